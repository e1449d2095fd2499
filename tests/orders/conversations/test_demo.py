import pytest
from django.core.management import call_command

from orders.conversations import selectors
from orders.conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db


def test_the_demo_has_answered_and_waiting_conversations_one_with_a_photo(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("seed_demo", products=40, no_images=True, verbosity=0)
    conversations = Conversation.objects.filter(shopper__username="shopper")
    assert conversations.count() == 5
    assert conversations.values("merchant").distinct().count() == 3
    assert conversations.filter(awaiting_reply_since__isnull=False).count() == 3
    assert conversations.filter(order__isnull=False).count() == 1
    photo = Message.objects.exclude(image="").get()
    assert photo.image.storage.exists(photo.image.name) and photo.conversation.order is not None
    answers = Message.objects.filter(response_seconds__isnull=False)
    # 14 minutes, then 1 minute for the thanks; asked at 23:10 and answered at 09:20 the next day: 20.
    assert sorted(answers.values_list("response_seconds", flat=True)) == [60, 14 * 60, 20 * 60]
    kao = conversations.filter(order__isnull=False).get().merchant
    assert selectors.merchant_median_response_seconds(
        [kao.pk], since=photo.created_at.replace(year=2000)
    ) == {kao.pk: 14 * 60}
    listed = {c.pk: c for c in selectors.conversations_for_merchant(kao)}
    waiting = [c for c in listed.values() if c.awaiting_reply_since]
    assert len(waiting) == 1 and waiting[0].unread_count == 2
    call_command("seed_demo", products=40, no_images=True, verbosity=0)  # twice: the same data
    assert Conversation.objects.count() == 5 and Message.objects.count() == 10
