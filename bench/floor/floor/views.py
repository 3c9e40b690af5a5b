from rest_framework import generics, serializers

from floor.models import Item


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = ["id", "data", "created_at"]


class ItemList(generics.ListCreateAPIView):
    """POST: create one row. GET: the latest 50 rows (one query, no count)."""

    serializer_class = ItemSerializer
    pagination_class = None

    def get_queryset(self):
        return Item.objects.order_by("-id")[:50]
