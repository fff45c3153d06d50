"""Small helpers every concept uses, with no database: 和暦 and kana (japanese), errors, durable private files, bounded input, the hash chain, the error log and bundled resources."""
