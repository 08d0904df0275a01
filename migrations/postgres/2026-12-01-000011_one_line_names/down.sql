-- Folded line breaks cannot be told from spaces typed as such: nothing to undo.
SELECT 1;
