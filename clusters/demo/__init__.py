"""Demo data for trying the site and measuring it at the scale it must hold: the vocabulary
clusters are made of, the generator that invents them in memory, and the writer that puts
them in the database in bulk."""

# Every demo cluster carries this note, so that it can be told from a real one.
DEMO_NOTE = "Demo data made by generate_demo_data: not a real cluster."
