from notifications.messages import Message

DATASET_DUE = Message(
    subject={"vi": "Bộ dữ liệu “{title}” đến hạn cập nhật", "en": "Dataset “{title}” is due for an update"},
    paragraphs={
        "vi": ("Bộ dữ liệu “{title}” của {agency} đã đến hạn công bố số liệu mới từ ngày {due_date}.",),
        "en": ("The dataset “{title}” of {agency} has been due for new figures since {due_date}.",),
    },
    sms={"vi": "Bộ dữ liệu {code} đến hạn cập nhật.", "en": "Dataset {code} is due for an update."},
    staff=True,
)
