"""`archiver verify` on a whole archive: fixity, catalog against blobs and custody, tokens, log."""
