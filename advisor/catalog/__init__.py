"""The catalog: schema, bundled data, the user overlay, validation, importers."""
