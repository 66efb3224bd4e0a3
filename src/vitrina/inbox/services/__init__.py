"""Every write of the inbox made by people, by topic: replies, threads (status,
assignment, notes), reference inquiries and canned answers. Import the topic module."""
