"""Every write of reader services, one module per topic:

- ``dialog_send``: one message into a reader's dialog, never twice;
- ``connections``: library-system connections, their check and catalogue harvests;
- ``file_loans``: the uploaded file of loans of a library without Koha or IRBIS64;
- ``linking``: a dialog's reader proving their card, links and link requests;
- ``consent``: consent acts per purpose, withdrawal; a reader's data exported or deleted;
- ``loans``: the current loans of linked readers read from the library system;
- ``reminders``: reminders planned from the loans and the library's settings;
  ``reminder_claims`` and ``reminder_sending`` send them, each message once;
- ``my_books``: «Мои книги», the reader's loans read live into the dialog;
- ``renewals``: renewals through the system, or requests a librarian confirms.
"""
