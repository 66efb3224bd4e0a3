from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "vitrina.channels"
    label = "channels"
