"""Organisations: the tree of ministries, regions, hospitals and departments, who belongs
where with which role, invite links, and what each member shares with each organisation."""
