"""One export layer: a document is a title, its metadata and a list of sections
(``sections``); one writer per format turns it into XLSX, DOCX, CSV or the HTML of a page,
by the same cell rules (``cells``); modules register their documents and contribute
sections to others' documents through ``registry``. Import the module you need; this
package re-exports nothing."""
