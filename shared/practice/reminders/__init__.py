"""Practice reminders: the app registers its devices (service.py: DeviceService), and the
scheduled sender (service.py: ReminderSender) pushes each learner's reminder through the push
channel (push.py: SNS mobile push) when its time comes; the store (store.py) keeps the devices
and the sparse index of reminder times."""
