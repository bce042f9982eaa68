import datetime

from django.core.management.base import BaseCommand, CommandError

from dluan.celery import lower_priority
from dluan.models import OrgUnit
from reports.models import ReportingPeriod
from summaries.models import Summary
from summaries.services import summary_compile, summary_request


class Command(BaseCommand):
    help = (
        "Compile a unit's summary for a period in the foreground (a new version), "
        "printing progress and the paths of the PDF, workbook and Word file."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--unit", required=True, help="the unit's id or its exact name"
        )
        parser.add_argument(
            "--period", required=True, help="any date inside the period, YYYY-MM-DD"
        )

    def handle(self, *args, unit, period, **options):
        # The same work as the worker's, at the worker's priority.
        lower_priority()
        unit = self._unit(unit)
        try:
            day = datetime.date.fromisoformat(period)
        except ValueError:
            raise CommandError(
                f"--period {period!r} is not a date (YYYY-MM-DD)"
            ) from None
        found = ReportingPeriod.objects.containing(day)
        if found is None:
            raise CommandError(f"No reporting period holds {day:%d/%m/%Y}.")
        summary = summary_request(unit=unit, period=found, enqueue=False)
        if summary.status != Summary.Status.QUEUED:
            raise CommandError(
                f"Version {summary.version} of this summary is being compiled "
                "already; wait for it, or retry it from its page if it failed."
            )
        self.stdout.write(
            f"Compiling {unit} for {found}, version {summary.version} "
            f"(summary {summary.pk})"
        )
        last = {"step": None}

        def echo(step: str, percent: int) -> None:
            if step != last["step"]:
                last["step"] = step
                self.stdout.write(f"  {percent:3d} %  {step}")

        result = summary_compile(summary_id=summary.pk, echo=echo)
        summary.refresh_from_db()
        if result is None or summary.status != Summary.Status.DRAFT:
            raise CommandError(f"The compilation failed: {summary.error}")
        self.stdout.write("  100 %  done")
        for label, field in (
            ("PDF", summary.pdf),
            ("Workbook", summary.xlsx),
            ("Word", summary.docx),
        ):
            self.stdout.write(f"{label}: {field.path}")

    def _unit(self, value: str) -> OrgUnit:
        if value.isdigit():
            unit = OrgUnit.objects.filter(pk=int(value)).first()
        else:
            matches = list(OrgUnit.objects.filter(name=value)[:2])
            if len(matches) > 1:
                raise CommandError(
                    f"More than one unit is named {value!r}; give its id instead."
                )
            unit = matches[0] if matches else None
        if unit is None:
            raise CommandError(f"No unit {value!r}.")
        return unit
