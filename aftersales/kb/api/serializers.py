from rest_framework import serializers

from aftersales.catalog.models import Category, FaultCode, Product
from aftersales.kb.models import Article, ArticleVersion, DeflectionSource


class ArticleSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True
    )
    product = serializers.PrimaryKeyRelatedField(
        queryset=Product.objects.all(), required=False, allow_null=True
    )
    fault_codes = serializers.PrimaryKeyRelatedField(
        queryset=FaultCode.objects.all(), many=True, required=False
    )
    publish = serializers.BooleanField(write_only=True, required=False, default=False)
    solved_count = serializers.IntegerField(read_only=True, default=None)
    # The revision the client edited; a newer one on the server refuses the update (409).
    revision = serializers.IntegerField(required=False)

    class Meta:
        model = Article
        fields = ["id", "title", "category", "product", "fault_codes", "symptom", "cause",
                  "steps", "audience", "kind", "status", "version", "revision", "publish",
                  "solved_count", "created_at", "updated_at"]  # fmt: skip
        read_only_fields = ["id", "status", "version", "created_at", "updated_at"]


class PublicArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "symptom", "cause", "steps", "kind"]
        read_only_fields = fields


class ArticleVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ArticleVersion
        fields = ["number", "title", "symptom", "cause", "steps", "audience", "published_by",
                  "published_at"]  # fmt: skip
        read_only_fields = fields


class SolvedSerializer(serializers.Serializer):
    request_number = serializers.CharField()


class DeflectionSerializer(serializers.Serializer):
    article = serializers.IntegerField()
    source = serializers.ChoiceField(choices=DeflectionSource.choices)
    session_key = serializers.CharField(required=False, allow_blank=True, default="")
