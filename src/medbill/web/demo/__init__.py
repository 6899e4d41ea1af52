"""The demo practice: a billing company with a family medicine and a cardiology practice.

``tables``, ``people``, ``notes*`` hold fixed data; ``generate`` and ``schedule`` turn
them plus a seed into plain records (``specs``); ``seed`` writes those to the database;
``stages`` is the pipeline ``medbill demo run`` walks through.
"""
