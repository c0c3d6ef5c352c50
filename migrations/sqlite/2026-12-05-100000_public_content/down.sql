DROP TABLE deflections;
DROP TABLE content_generations;
DROP TABLE waste_items;
DROP TABLE compliance_snapshots;
DROP TABLE separate_collection;
DROP TABLE transparency_sections;
