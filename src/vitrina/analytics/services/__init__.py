"""Every write of analytics, by topic: the figures' snapshots, figures entered by hand or
imported (a channel's days, its posts), period reports, and the channels registry filled
from the figures. Import the topic module."""
