"""Evidence in the chat: attach a photo or PDF to an entry from the file's buttons or from the
entry, see an entry's files and remove one."""
