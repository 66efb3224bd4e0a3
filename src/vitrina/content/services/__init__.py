"""Every write of the content module, one module a topic; import the topic module you need.

- ``posts``: creating, changing and deleting posts, and the composer's one-call save
- ``variants``: each channel's text of a post and what the networks would refuse
- ``approval``: sending for approval, approving, returning
- ``scheduling``: moving, unscheduling and cancelling; posting slots; recurring posts
- ``media``: the media library
- ``rubrics``: rubrics, series and tags
- ``templates``: templates, text blocks and their placeholders
- ``guests``: guest links and guest posts
- ``importing``: the content plan imported from XLSX or CSV

Every state change goes to the audit log and tells the people concerned.
"""
