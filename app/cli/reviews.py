"""`keyward reviews …`: access reviews that key owners answer.

An admin starts one (``start``); each owner lists what waits on them (``list --mine``) and
answers keep or revoke for each of their keys (``answer``); the admin follows the tally
(``show``), disables what is still unanswered at the due date with ``keyward keys bulk disable
--ids …`` (``show --unanswered`` prints those ids), then ``close``s and ``export``s it.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.cli import output
from app.cli.context import Context
from app.cli.output import echo, emit_json
from app.domain.errors import Field, ValidationError
from app.domain.wording import counted

if TYPE_CHECKING:
    from app.services.reviews import Review


def register(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    reviews = commands.add_parser(
        "reviews",
        help="access reviews: owners confirm or revoke their own keys",
        description=(
            "Access reviews. An admin starts one over all keys, one owner's or a search; each "
            "key's owner answers keep (with a note, e.g. where the secret lives) or revoke; at "
            "the due date the admin disables what is unanswered (keyward keys bulk disable) and "
            "closes it. Every step is in the audit trail; a closed review exports as evidence."
        ),
    )
    actions = reviews.add_subparsers(title="actions", metavar="ACTION", required=True)

    def action(name: str, summary: str, description: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(
            name, parents=[common], help=summary, description=description
        )
        return parser

    start = action(
        "start",
        "start a review (admins)",
        "Start an access review of every key that is not revoked, or of one owner's keys "
        "(--owner), or of the keys a search finds (--search).",
    )
    start.add_argument("--title", required=True, help='e.g. "Q1 2027 key review" (≤ 200)')
    start.add_argument(
        "--due",
        required=True,
        metavar="YYYY-MM-DD",
        help="answers are due by the end of this day (UTC)",
    )
    start.add_argument("--instructions", help="what owners should check (≤ 2000)")
    start.add_argument("--owner", metavar="USER", help="only this login's keys")
    start.add_argument(
        "--search", help="only keys whose name, description, owner or id contain this"
    )
    start.set_defaults(handler=start_review)

    listing = action(
        "list",
        "list reviews, or (--mine) the keys waiting on your answer",
        "List every review with its tally; with --mine, the keys of yours still waiting for "
        "an answer in open reviews.",
    )
    listing.add_argument("--mine", action="store_true", help="only what waits on you")
    listing.set_defaults(handler=list_reviews)

    show = action("show", "show one review and its answers", "Show one review, per owner.")
    show.add_argument("review_id", type=int, metavar="REVIEW")
    show.add_argument(
        "--unanswered",
        action="store_true",
        help="print only the ids of unanswered keys (for keyward keys bulk … --ids)",
    )
    show.set_defaults(handler=show_review)

    answer = action(
        "answer",
        "keep or revoke one of your keys in a review",
        "Answer for one of your keys: keep (optionally with --note) or revoke, which revokes "
        "the key at once.",
    )
    answer.add_argument("review_id", type=int, metavar="REVIEW")
    answer.add_argument("key_id", metavar="KEY_ID")
    answer.add_argument("answer", choices=["keep", "revoke"])
    answer.add_argument("--note", help="e.g. where the secret lives (≤ 500)")
    answer.set_defaults(handler=answer_review)

    close = action(
        "close",
        "close a review (admins)",
        "Close a review: it takes no more answers. Disable unanswered keys first with "
        "`keyward keys bulk disable --ids $(keyward reviews show REVIEW --unanswered)`.",
    )
    close.add_argument("review_id", type=int, metavar="REVIEW")
    close.set_defaults(handler=close_review)

    export = action(
        "export",
        "write a review as evidence (CSV, plus its audit events as JSON)",
        "Write the review's answers to OUTPUT (CSV) and its audit events with their chain "
        "fields and the newest signed checkpoint to OUTPUT.events.json; both new 0600 files.",
    )
    export.add_argument("review_id", type=int, metavar="REVIEW")
    export.add_argument("--output", required=True, type=Path, metavar="FILE")
    export.set_defaults(handler=export_review)


def _due(text: str) -> datetime:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            Field.EXPIRES, f"“{text[:40]}” is not a date; write it as YYYY-MM-DD."
        ) from None
    return datetime.combine(day, time(0, 0), tzinfo=UTC) + timedelta(days=1)


def _line(review: Review) -> list[str]:
    return [
        f"#{review.id}",
        review.title,
        review.scope,
        output.when(review.due_at),
        review.status,
        f"{review.total - review.unanswered}/{review.total}",
    ]


def start_review(args: argparse.Namespace, context: Context) -> int:
    review = context.services().reviews.start(
        args.title,
        _due(args.due),
        instructions=args.instructions,
        owner=args.owner,
        search=args.search,
    )
    if context.json:
        emit_json(review.to_json())
    else:
        echo(
            f"Started access review #{review.id} “{review.title}”: {review.total} "
            f"key{'s' if review.total != 1 else ''} for their owners to answer by "
            f"{output.when(review.due_at)}."
        )
    return 0


def list_reviews(args: argparse.Namespace, context: Context) -> int:
    services = context.services()
    if args.mine:
        items = services.reviews.waiting_on_me()
        if context.json:
            emit_json([item.to_json() for item in items])
            return 0
        if items:
            output.table(
                ["Review", "Key", "Name"],
                [[f"#{item.review_id}", item.key_id, item.key_name] for item in items],
            )
        echo(f"{counted(len(items), 'key')} waiting for your answer")
        return 0
    reviews = services.reviews.all()
    if context.json:
        emit_json([review.to_json() for review in reviews])
        return 0
    if reviews:
        output.table(["Review", "Title", "Scope", "Due", "Status", "Answered"], map(_line, reviews))
    echo(f"{counted(len(reviews), 'review')}")
    return 0


def show_review(args: argparse.Namespace, context: Context) -> int:
    detail = context.services().reviews.show(args.review_id)
    if args.unanswered:
        for key_id in detail.unanswered_keys:
            echo(key_id)
        return 0
    if context.json:
        emit_json({**detail.review.to_json(), "items": [item.to_json() for item in detail.items]})
        return 0
    review = detail.review
    output.fields(
        [
            ("Review", f"#{review.id} {review.title}"),
            ("Scope", review.scope),
            ("Due", output.when(review.due_at)),
            ("Status", review.status),
            ("Answered", f"{review.total - review.unanswered} of {review.total}"),
        ]
    )
    echo()
    output.table(
        ["Owner", "Answered", "Open"],
        [[p.owner_login, str(p.answered), str(p.open)] for p in detail.progress],
    )
    echo()
    output.table(
        ["Key", "Name", "Owner", "Answer", "Note"],
        [
            [i.key_id, i.key_name, i.owner_login, i.answer or "—", output.clean(i.note)]
            for i in detail.items
        ],
    )
    return 0


def answer_review(args: argparse.Namespace, context: Context) -> int:
    services = context.services()
    services.reviews.answer(args.review_id, args.key_id, args.answer, args.note)
    if args.answer == "revoke":
        echo(f"Answered revoke for {args.key_id} in review #{args.review_id}; the key is revoked.")
    else:
        echo(f"Answered keep for {args.key_id} in review #{args.review_id}.")
    return 0


def close_review(args: argparse.Namespace, context: Context) -> int:
    review = context.services().reviews.close(args.review_id)
    if context.json:
        emit_json(review.to_json())
    else:
        echo(
            f"Closed access review #{review.id}: {review.kept} kept, {review.revoked} revoked, "
            f"{review.unanswered} unanswered."
        )
    return 0


def export_review(args: argparse.Namespace, context: Context) -> int:
    events = context.services().reviews.export(args.review_id, args.output)
    echo(f"Wrote {args.output} and {events}.")
    return 0
