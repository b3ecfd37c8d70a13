from rest_framework import serializers

from aftersales.catalog.models import Category, FaultCode, Product, SparePart


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "code", "name", "parent"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "sku", "name", "category", "brand", "requires_installation", "active"]


class FaultCodeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FaultCode
        fields = ["id", "category", "code", "kind", "component", "symptom", "active"]
        read_only_fields = fields


class SparePartSerializer(serializers.ModelSerializer):
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = SparePart
        fields = [
            "id",
            "part_number",
            "name",
            "category",
            "products",
            "is_consumable",
            "unit_price",
            "currency",
        ]
        read_only_fields = fields
