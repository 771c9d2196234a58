"""Reports: the document model, Markdown parsing, the content library and the importer."""
