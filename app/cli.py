"""Command line: ``python -m app`` starts the GUI; subcommands do headless work.

Contract (other tools depend on it): data goes to stdout, messages for people to stderr in Japanese.
Exit codes: 0 success, 2 invalid input or usage, 3 wrong passphrase or recovery key, 1 anything else —
including "the data folder is in use by another つなぎ" (the GUI or another command holds it; the same
command succeeds once that one has finished) and "wait before the next passphrase try" (no secret was
checked). A backup of another store is refused with 2 unless ``restore --allow-other-store``.
Secrets come only from TSUNAGI_PASSPHRASE, --passphrase-file or TSUNAGI_RECOVERY_KEY (or a prompt
on a terminal), never from an argument, so they do not end up in shell history or process lists.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from datetime import date
from pathlib import Path

from app import __version__
from app.console import is_interactive, use_utf8_output
from app.services.common.errors import InvalidInput, TsunagiError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own wording is English; frame it for a Japanese reader
        self.print_usage(sys.stderr)
        self.exit(2, f"コマンドの指定に誤りがあります: {message}\n（使い方: python -m app --help）\n")


def _parser() -> argparse.ArgumentParser:
    # Options that may stand before or after the subcommand: SUPPRESS keeps a subcommand's unset
    # copy from overwriting a value given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir", type=Path, default=argparse.SUPPRESS, help="データフォルダ（既定: TSUNAGI_DATA_DIR）"
    )
    common.add_argument(
        "--passphrase-file", type=Path, default=argparse.SUPPRESS, help="パスフレーズを1行目に書いたファイル"
    )
    common.add_argument("--user", default=argparse.SUPPRESS, help="利用者名")

    p = _Parser(prog="tsunagi", description="つなぎ — 重層的支援体制整備事業の世帯支援記録", parents=[common])
    p.add_argument("--version", action="version", version=f"つなぎ {__version__}")
    p.add_argument(
        "--selftest", action="store_true", help="この PC で動作するか自己診断する（データには触れません）"
    )
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="<サブコマンド>")

    s = sub.add_parser("init", parents=[common], help="データを新しく作成し、回復キーを表示する")
    s.add_argument("--town", default="", help="町村名")

    s = sub.add_parser(
        "import", parents=[common], help="世帯 JSON（tsunagi-households/1）、Excel（.xlsx）、CSV を取り込む"
    )
    s.add_argument("file", type=Path)
    s.add_argument(
        "--kind",
        choices=("people", "intakes", "visits"),
        default="people",
        help="表の種類: people＝世帯員の一覧（既定）、intakes＝相談受付、visits＝訪問",
    )

    s = sub.add_parser("export", parents=[common], help="全世帯を JSON で書き出す（--format ですべての記録）")
    s.add_argument("--output", type=Path, help="書き出し先ファイル（既定: 標準出力）")
    s.add_argument(
        "--format",
        choices=("xlsx", "json"),
        help="すべての記録（相談受付・訪問・つなぐシート・会議・プラン…）を Excel か JSON（tsunagi-export/1）で"
        "書き出す。指定しなければ世帯だけを tsunagi-households/1 で",
    )

    s = sub.add_parser("search", parents=[common], help="世帯を探して JSON で表示する（世帯の一覧と同じ探し方）")
    s.add_argument("query", help="氏名・ふりがな・呼び名・住所の一部、電話番号、生年月日、世帯番号")

    s = sub.add_parser("flags", parents=[common], help="世帯 JSON の気づき（フラグ）を判定する（データ不要）")
    s.add_argument("--input", type=Path, required=True)
    s.add_argument("--as-of", help="判定日（既定: 今日）")

    s = sub.add_parser("demo", parents=[common], help="架空の町のデモデータを作成する")
    s.add_argument("--households", type=int, required=True)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--town", default="")

    s = sub.add_parser("backup", parents=[common], help="バックアップを作る（保存先のフォルダを指定）")
    s.add_argument("--to", type=Path, required=True, help="保存先のフォルダ（USBメモリなど）")
    s.add_argument("--keep", type=int, default=None, help="保存先に残す世代数（既定: 5）")

    s = sub.add_parser(
        "verify-backup", parents=[common], help="バックアップファイルを確かめる（復元はしない）"
    )
    s.add_argument("file", type=Path)

    s = sub.add_parser("restore", parents=[common], help="バックアップから復元する")
    s.add_argument("--from", dest="source", type=Path, required=True, help="バックアップファイル")
    s.add_argument(
        "--allow-other-store",
        action="store_true",
        help="今のデータとは別のデータ（別の町など）のバックアップでも、今のデータと置き換えて復元する",
    )

    s = sub.add_parser("print", parents=[common], help="帳票を PDF に印刷する（画面と同じ規則で）")
    s.add_argument("form", nargs="?", help="帳票の名前（--list で一覧）")
    s.add_argument("--list", action="store_true", help="印刷できる帳票の一覧")
    s.add_argument("--household", help="世帯番号（例: H-0001）")
    s.add_argument("--record", help="つなぐシートの番号（例: R8-0001）、または記録・会議の番号")
    s.add_argument("--basis", default="internal", help="internal（庁内の記録）または minimal（最小限・匿名化）")
    s.add_argument("--on", help="日付（訪問予定表の日、一覧の基準日。YYYY-MM-DD）")
    s.add_argument("--year", type=int, help="年度（統計・実施計画。例: 2026）")
    s.add_argument("--output", type=Path, help="保存先の PDF ファイル")

    s = sub.add_parser("audit", parents=[common], help="監査ログ")
    s.add_argument("audit_command", choices=["verify"])
    s.add_argument("--backup", action="append", type=Path, default=[], metavar="FILE",
                   help="このバックアップの作成時点の記録とも照らし合わせる（何度でも指定可）")  # fmt: skip
    return p


# --- secrets ---------------------------------------------------------------------------------------


def _read_passphrase_file(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        raise InvalidInput(f"パスフレーズのファイル {path} を読めません") from None
    return text.splitlines()[0] if text else ""


def _secrets(args) -> dict:
    """Open-time secret: recovery key, passphrase (env, file) or a terminal prompt."""
    if os.environ.get("TSUNAGI_RECOVERY_KEY"):
        return {"recovery_key": os.environ["TSUNAGI_RECOVERY_KEY"]}
    if os.environ.get("TSUNAGI_PASSPHRASE"):
        return {"passphrase": os.environ["TSUNAGI_PASSPHRASE"], "user": getattr(args, "user", None)}
    if getattr(args, "passphrase_file", None):
        return {
            "passphrase": _read_passphrase_file(args.passphrase_file),
            "user": getattr(args, "user", None),
        }
    if is_interactive():  # not NUL, a pipe or a file: Windows counts NUL as a terminal
        import getpass

        return {"passphrase": getpass.getpass("パスフレーズ: "), "user": getattr(args, "user", None)}
    raise InvalidInput("パスフレーズを TSUNAGI_PASSPHRASE か --passphrase-file で指定してください")


def _new_passphrase(args) -> str:
    if os.environ.get("TSUNAGI_PASSPHRASE"):
        return os.environ["TSUNAGI_PASSPHRASE"]
    if getattr(args, "passphrase_file", None):
        return _read_passphrase_file(args.passphrase_file)
    if is_interactive():  # not NUL, a pipe or a file: Windows counts NUL as a terminal
        import getpass

        first = getpass.getpass("新しいパスフレーズ: ")
        if first != getpass.getpass("もう一度入力してください: "):
            raise InvalidInput("2回の入力が一致しません")
        return first
    raise InvalidInput("新しいパスフレーズを TSUNAGI_PASSPHRASE か --passphrase-file で指定してください")


def _data_dir(args) -> Path:
    from app.services.store.store import default_data_dir

    return getattr(args, "data_dir", None) or default_data_dir()


@contextlib.contextmanager
def _opened(args):
    """The store for one command, closed (and its key dropped) whatever happens."""
    from app.services.store.store import Store

    store = Store.open(_data_dir(args), **_secrets(args))
    try:
        yield store
    finally:
        store.close()


def _say(text: str) -> None:
    print(text, file=sys.stderr)


# --- commands --------------------------------------------------------------------------------------


def _create(args, *, town: str):
    from app.services.common.fileio import location_notice
    from app.services.store.store import Store

    created = Store.create(
        _data_dir(args),
        passphrase=_new_passphrase(args),
        user=getattr(args, "user", None) or "coordinator",
        town=town,
    )
    if notice := created.keyring_notice():
        _say(notice)
    if notice := location_notice(created.store.folder):
        _say(notice)
    return created


def cmd_init(args) -> int:
    created = _create(args, town=args.town)
    created.store.close()
    _say(
        f"{created.store.folder} にデータを作成しました。\n"
        "次の回復キーは今回しか表示されません。紙に書き写すか印刷し、役場の金庫に保管してください:"
    )
    print(created.recovery_key)
    return 0


def cmd_import(args) -> int:
    from app.services.households import exchange
    from app.services.records import household_format
    from app.services.transfer import full_export

    if args.file.suffix.lower() in (".xlsx", ".csv"):
        return _import_sheet(args)
    if (everything := full_export.read_if_full(args.file)) is not None:  # tsunagi-export/1, checked whole
        with _opened(args) as store:
            print(full_export.import_bundle(store, everything, source=args.file.name).summary())
        return 0
    records = household_format.load(args.file)  # validate fully before opening the store
    with _opened(args) as store:
        result = exchange.import_records(store, records, source=args.file.name)
    print(f"取り込み: 世帯 {result.households} 件、世帯員 {result.persons} 人")
    return 0


def _import_sheet(args) -> int:
    from app.services.sheets import casework, people, table

    sheet = table.read(args.file)  # read and map before opening the store
    if args.kind == "people":
        mapping = people.mapping_for(sheet)
        with _opened(args) as store:
            result = people.preview_for_store(store, sheet, mapping)
            if not result.ok:
                raise people.refusal(result)
            done = people.import_preview(store, result)
        for line in result.lines:
            for note in line.notes:
                _say(f"{line.row}行目: {note}")
        print(f"取り込み: 世帯 {done.households} 件、世帯員 {done.persons} 人")
        return 0
    mapping = casework.mapping_for(sheet, args.kind)
    with _opened(args) as store:
        result = casework.preview_for_store(store, sheet, mapping, args.kind)
        if not result.ok:
            raise people.refusal(result)
        count = casework.import_preview(store, result)
    print(f"取り込み: {casework.KINDS[args.kind]} {count} 件")
    return 0


def cmd_export(args) -> int:
    from app.services.households import exchange
    from app.services.records import household_format

    if args.format:
        return _export_everything(args)
    with _opened(args) as store:
        if args.output:
            count = exchange.export_file(store, args.output)
        else:
            records = exchange.export_records(store, destination="stdout")
    if args.output:
        _say(f"{count} 世帯を {args.output} に書き出しました")
    else:
        sys.stdout.write(json.dumps(household_format.to_document(records), ensure_ascii=False, indent=2) + "\n")
    return 0


def _export_everything(args) -> int:
    from app.services.transfer import full_export

    if not args.output:
        raise InvalidInput("--format を指定したときは、--output で書き出し先のファイルを指定してください")
    target = {"xlsx": args.output} if args.format == "xlsx" else {"json_path": args.output}
    with _opened(args) as store:
        written = full_export.export_files(store, **target)
    _say(f"すべての記録（世帯 {written.households} 件、ほかの記録 {written.records} 件）を {args.output} に書き出しました")
    return 0


def cmd_search(args) -> int:
    from dataclasses import asdict

    from app.services.households import search

    query = args.query.strip()
    if not query:
        raise InvalidInput("探す言葉を指定してください（例: python -m app search 佐々木）")
    if len(query) > search.MAX_QUERY:
        raise InvalidInput(f"探す言葉は {search.MAX_QUERY} 文字までにしてください")
    with _opened(args) as store:
        found = search.all_rows(store, query)
    households = [asdict(row) | {"flag_kinds": list(row.flag_kinds)} for row in found]
    sys.stdout.write(json.dumps({"query": query, "households": households}, ensure_ascii=False, indent=2) + "\n")
    _say(f"「{query}」に当てはまる世帯: {len(found)} 件")
    return 0


def cmd_flags(args) -> int:
    from app.services.common.japanese import DateInputError, parse_date
    from app.services.flags import flags
    from app.services.records import household_format

    try:
        as_of = parse_date(args.as_of) if args.as_of else date.today()
    except DateInputError as exc:
        raise InvalidInput(f"--as-of: {exc}") from None
    records = household_format.load(args.input)
    doc = flags.evaluate_document(records, as_of)
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return 0


def cmd_demo(args) -> int:
    from app.services.households import demo

    if args.households < 1:
        raise InvalidInput("--households には1以上の数を指定してください")
    created = _create(args, town=args.town or demo.DEMO_TOWN)
    store = created.store
    try:
        result = demo.populate(store, households=args.households, seed=args.seed)
    finally:
        store.close()
    _say(
        f"デモデータを作成しました: 世帯 {result.households} 件、世帯員 {result.persons} 人（{store.folder}）"
    )
    print(created.recovery_key)
    return 0


def cmd_audit(args) -> int:
    # Both chains (監査ログ, 変更履歴) entry by entry, their ends against the key file, and against the
    # heads in each backup given: one line each, the first bad entry named.
    from app.services.store import anchor

    with _opened(args) as store:
        report = anchor.verify_store(store, args.backup)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


def cmd_backup(args) -> int:
    from app.services.store import backup

    with _opened(args) as store:
        result = backup.create_backup(store, args.to, generations=args.keep, medium=str(args.to))
    _say(
        f"バックアップを作成し、読み戻して確認しました（{result.size:,} バイト）。保存先の媒体は安全に取り外せます"
    )
    print(result.path)
    return 0


def cmd_verify_backup(args) -> int:
    from app.services.store import backup

    manifest = backup.check_only(args.file, **_secrets(args))
    print(f"OK: {manifest.summary()}")
    return 0


def cmd_restore(args) -> int:
    from app.services.store import backup

    manifest = backup.read_manifest(args.source)
    _say(f"復元します: {manifest.summary()}")
    try:
        store = backup.restore(args.source, _data_dir(args), **_secrets(args), medium=str(args.source.parent),
                               allow_other_store=args.allow_other_store)  # fmt: skip
    except backup.OtherStoreBackup as exc:
        raise backup.OtherStoreBackup(
            f"{exc}。置き換えてよい場合だけ、--allow-other-store を付けて実行してください。データは変わっていません",
            exc.manifest,
        ) from None
    counts = store.counts()
    store.close()
    print(f"復元しました: 世帯 {counts['households']} 件、世帯員 {counts['persons']} 人（{_data_dir(args)}）")
    return 0

def cmd_print(args) -> int:
    from app.services.catalog import print_catalog
    from app.services.printing import printing

    if args.list:
        for entry in print_catalog.CATALOG.values():
            if entry.cli:
                print(f"{entry.key}\t{entry.title}")
        return 0
    entry = print_catalog.CATALOG.get(args.form or "")
    if entry is None or not entry.cli:
        raise InvalidInput("帳票の名前を指定してください（一覧は print --list）")
    if args.output is None:
        raise InvalidInput("--output で保存先の PDF ファイルを指定してください")
    on = _date_arg(args.on) if args.on else None
    with _opened(args) as store:
        request = print_catalog.request_for(store, entry, household=args.household, record=args.record,
                                            basis=args.basis, on=on, options={"fy": args.year} if args.year else {})  # fmt: skip
        printed = print_catalog.produce(store, entry.key, request)
        printing.save_as(store, printed, args.output)
    _say(f"{printed.form}を {args.output} に保存しました（根拠: {vocab_basis(printed.basis)}）")
    return 0


def vocab_basis(code: str) -> str:
    from app.models import vocab

    return vocab.PRINT_BASIS.get(code, code)


def _date_arg(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"日付 {text} を読めません（YYYY-MM-DD で指定してください）") from None


COMMANDS = {
    "init": cmd_init,
    "import": cmd_import,
    "export": cmd_export,
    "search": cmd_search,
    "flags": cmd_flags,
    "demo": cmd_demo,
    "audit": cmd_audit,
    "backup": cmd_backup,
    "verify-backup": cmd_verify_backup,
    "restore": cmd_restore,
    "print": cmd_print,
}


def main(argv: list[str] | None = None) -> int:
    from app.services.store import folder_lock

    # Files a library writes without asking (and any we missed) are this user's only; the app's own
    # files get 0600/0700 explicitly as well (app.services.common.fileio), whatever the umask.
    os.umask(0o077)
    use_utf8_output()  # before argparse, whose usage and errors are Japanese too
    args = _parser().parse_args(argv)
    folder_lock.set_role("gui" if args.command is None else "cli", args.command or "")
    if args.selftest:
        from app.selftest import run as selftest

        return selftest()
    if args.command is None:
        from app.ui.main import run  # the only place the CLI touches Qt

        return run(data_dir=_data_dir(args))
    try:
        return COMMANDS[args.command](args)
    except TsunagiError as exc:
        _say(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _say("中断しました")
        return 1
    except Exception as exc:  # last resort: a Japanese line, never a bare traceback
        from app.services.store import diagnosis

        if (known := diagnosis.explain(exc, _data_dir(args))) is not None:  # a full disk, another writer
            _say(str(known))
            return known.exit_code
        from app.services.common import errorlog  # what failed, never the text (SQL parameters, values)

        _say(errorlog.report(exc, _data_dir(args), args.command))
        return 1
