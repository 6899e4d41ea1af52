"""Money in the bank: deposits imported from the practice's bank files, paired with the
835 payments they carry (EFT/ERA reassociation), paper EOBs entered by hand and the
provider-level adjustments followed until they net out."""
