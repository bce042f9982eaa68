from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from dluan import demo, scale
from dluan.models import User
from dluan.registry import PRODUCT_APPS


class Command(BaseCommand):
    help = (
        "Create the demo town of Hương Trà with its accounts and each app's demo data. "
        "Safe to run again: what exists is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when the database has no accounts yet (used by make run).",
        )
        parser.add_argument(
            "--scale",
            choices=["demo", *scale.SIZES],
            default="demo",
            help=(
                "demo: the town of Hương Trà (default). small or large: a whole "
                "province for `make bench` (large: 50,000 collaborators and a "
                "million reports; PostgreSQL, about ten minutes)."
            ),
        )

    def handle(self, *args, **options):
        if options["scale"] != "demo":
            scale.run(options["scale"], stdout=self.stdout)
            return
        if options["if_empty"] and User.objects.exists():
            self.stdout.write("Accounts exist already; demo data not loaded again.")
            return
        # The demo's people and addresses are fictional: their notifications are
        # kept in the app but not e-mailed.
        backend = settings.EMAIL_BACKEND
        settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
        try:
            self._seed()
        finally:
            settings.EMAIL_BACKEND = backend
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(
            f"Demo logins (password {demo.DEMO_PASSWORD}): "
            "admin, canbo, lanhdao, ctv01 … ctv20"
        )

    def _seed(self):
        with transaction.atomic():
            ctx = demo.seed(stdout=self.stdout)
            for app in PRODUCT_APPS:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                self.stdout.write(f"Seeding {app}…")
                module.seed(ctx)
