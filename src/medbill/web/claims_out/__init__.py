"""Claims out: clearinghouse connections, 837P submissions, 999/277CA acknowledgements."""
