"""世帯と世帯員, 相談受付, consent: the household's rules and queries, its exchange format, its forms, family and genogram, search and the demo town."""
