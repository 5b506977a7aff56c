"""Rows that exist once per demo: teams, staff users, the category tree and the products."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import make_password

from reservoir.demo.catalog import PRODUCTS, category_paths
from reservoir.demo.staff import DEMO_PASSWORD, STAFF, TEAMS
from reservoir.iam.models import Team, User
from reservoir.sales.models import Product, ProductCategory


def create_staff() -> tuple[dict[str, Team], dict[str, User]]:
    """Create the teams and the staff users; return both by name.

    The password is hashed once and shared: hashing is slow by design, and every demo user
    has the same published password.
    """
    teams = Team.objects.bulk_create(
        [Team(name=t.name, description=t.description, region=t.region) for t in TEAMS]
    )
    by_name = {t.name: t for t in teams}
    password = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        [
            User(
                username=s.username,
                first_name=s.first_name,
                last_name=s.last_name,
                email=f"{s.username}@qingliu.example.com",
                role=s.role,
                team=by_name[s.team] if s.team else None,
                language=s.language,
                password=password,
                is_staff=s.role == "administrator",
                is_superuser=s.username == "admin",
            )
            for s in STAFF
        ]
    )
    by_username = {u.username: u for u in users}
    through = Team.managers.through
    through.objects.bulk_create(
        [
            through(team_id=by_name[team].pk, user_id=by_username[s.username].pk)
            for s in STAFF
            for team in s.manages
        ]
    )
    return by_name, by_username


def create_catalogue() -> tuple[int, dict[str, int]]:
    """Create the category tree level by level, then the products; return the category
    count and the product pks by SKU."""
    by_path: dict[tuple[str, ...], ProductCategory] = {}
    paths = category_paths()
    for depth in range(1, max(len(p) for p in paths) + 1):
        level = [
            ProductCategory(name=path[-1], parent=by_path.get(path[:-1]), path=" / ".join(path))
            for path in paths
            if len(path) == depth
        ]
        for category in ProductCategory.objects.bulk_create(level):
            by_path[tuple(category.path.split(" / "))] = category
    products = Product.objects.bulk_create(
        [
            Product(
                sku=p.sku,
                name=p.name,
                category=by_path[p.category],
                price=p.price,
                currency=settings.DEFAULT_CURRENCY,
            )
            for p in PRODUCTS
        ]
    )
    return len(by_path), {p.sku: p.pk for p in products}
