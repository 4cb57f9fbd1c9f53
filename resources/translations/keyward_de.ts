<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
<context>
    <name>AddUserDialog</name>
    <message>
        <source>Add a person</source>
        <translation>Person hinzufügen</translation>
    </message>
    <message>
        <source>They sign in with their own database login of the same name. Keyward grants that login the role you choose here; the login itself is created by your database administrator.</source>
        <translation>Die Person meldet sich mit ihrem eigenen Datenbank-Login gleichen Namens an. Keyward gewährt diesem Login die hier gewählte Rolle; das Login selbst legt Ihre Datenbankadministration an.</translation>
    </message>
    <message>
        <source>On this database file a person is the operating-system account of the same name.</source>
        <translation>In dieser Datenbankdatei ist eine Person das Betriebssystemkonto gleichen Namens.</translation>
    </message>
    <message>
        <source>Problem adding the person</source>
        <translation>Problem beim Hinzufügen der Person</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Anmeldename</translation>
    </message>
    <message>
        <source>Required, e.g. maria.rossi</source>
        <translation>Pflichtfeld, z. B. maria.rossi</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>e.g. Maria Rossi (the login if empty)</source>
        <translation>z. B. Maria Rossi (leer: der Anmeldename)</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Optional, e.g. maria@example.com</source>
        <translation>Optional, z. B. maria@example.com</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>&amp;Login</source>
        <translation>&amp;Anmeldename</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>&amp;E-Mail</translation>
    </message>
    <message>
        <source>&amp;Role</source>
        <translation>&amp;Rolle</translation>
    </message>
    <message>
        <source>%1 error</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Add person</source>
        <translation>Person hinzufügen</translation>
    </message>
    <message>
        <source>Enter the person&apos;s login.</source>
        <translation>Geben Sie den Anmeldenamen der Person ein.</translation>
    </message>
</context>
<context>
    <name>AsOfField</name>
    <message>
        <source>As of</source>
        <extracomment>The earliest date offered (Keyward&apos;s audit trail cannot be older). A date typed with the arrow keys applies after this pause (the calendar applies at once).</extracomment>
        <translation>Stand</translation>
    </message>
    <message>
        <source>Show keys as of a past date</source>
        <translation>Schlüssel zu einem früheren Datum zeigen</translation>
    </message>
    <message>
        <source>Show the keys as they were when a day began (00:00 UTC), rebuilt from the audit trail (read-only)</source>
        <translation>Die Schlüssel so zeigen, wie sie zu Beginn eines Tages (00:00 UTC) waren, aus dem Prüfprotokoll rekonstruiert (nur lesen)</translation>
    </message>
    <message>
        <source>As of date</source>
        <translation>Stichtag</translation>
    </message>
    <message>
        <source>The day whose keys to show, as they were at its start (00:00 UTC)</source>
        <translation>Der Tag, dessen Schlüssel gezeigt werden, so wie sie zu seinem Beginn (00:00 UTC) waren</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
</context>
<context>
    <name>AttentionScreen</name>
    <message>
        <source>Expiring soon</source>
        <extracomment>While keys keep changing (a bulk revoke), the groups are counted again at most this long after the last count ended: five counts over 1,000,000 keys take about a second.</extracomment>
        <translation>Läuft bald ab</translation>
    </message>
    <message>
        <source>Not used lately</source>
        <translation>In letzter Zeit nicht verwendet</translation>
    </message>
    <message>
        <source>Owner deactivated</source>
        <translation>Besitzer deaktiviert</translation>
    </message>
    <message>
        <source>No description</source>
        <translation>Keine Beschreibung</translation>
    </message>
    <message>
        <source>Older than the maximum lifetime</source>
        <translation>Älter als die Höchstlaufzeit</translation>
    </message>
    <message>
        <source>No key expires within the policy&apos;s warning period.</source>
        <translation>Kein Schlüssel läuft innerhalb der Warnfrist der Richtlinie ab.</translation>
    </message>
    <message>
        <source>Every working key was used within the policy&apos;s stale period.</source>
        <translation>Jeder funktionierende Schlüssel wurde verwendet, bevor er laut Richtlinie als veraltet gilt.</translation>
    </message>
    <message>
        <source>No deactivated person owns a key that still works.</source>
        <translation>Keine deaktivierte Person besitzt einen Schlüssel, der noch funktioniert.</translation>
    </message>
    <message>
        <source>Every key says what it is for.</source>
        <translation>Jeder Schlüssel gibt an, wofür er da ist.</translation>
    </message>
    <message>
        <source>No key is older than the maximum lifetime (or the policy sets none).</source>
        <translation>Kein Schlüssel ist älter als die Höchstlaufzeit (oder die Richtlinie legt keine fest).</translation>
    </message>
    <message>
        <source>Name</source>
        <extracomment>The table&apos;s columns at their usual widths (Why takes the rest), and the least each narrows to before the table scrolls sideways: Why, the reason a key is listed, stays readable in a narrow window (at 800x600 it was out of sight).</extracomment>
        <translation>Name</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>Warum</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <extracomment>A page came back (or could not be read): whether the group is empty is known. The number of keys that need attention (all groups), for a badge. Keys were changed here (a bulk run&apos;s result), for the other screens.</extracomment>
        <translation>Handlungsbedarf</translation>
    </message>
    <message>
        <source>Keys the hygiene rules pick out. Select keys and act on them together; every change shows a dry run first.</source>
        <translation>Schlüssel, die die Hygieneregeln herausgreifen. Wählen Sie Schlüssel aus und bearbeiten Sie sie gemeinsam; jede Änderung zeigt zuerst einen Probelauf.</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Keys needing attention</source>
        <translation>Schlüssel mit Handlungsbedarf</translation>
    </message>
    <message>
        <source>Nothing here.</source>
        <translation>Hier ist nichts.</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen …</translation>
    </message>
    <message>
        <source>Disable…</source>
        <translation>Deaktivieren …</translation>
    </message>
    <message>
        <source>Extend expiry…</source>
        <translation>Ablauf verlängern …</translation>
    </message>
    <message>
        <source>Add note…</source>
        <translation>Notiz hinzufügen …</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Your role can read these keys but not change them.</source>
        <translation>Ihre Rolle darf diese Schlüssel lesen, aber nicht ändern.</translation>
    </message>
</context>
<context>
    <name>AuditEventDetail</name>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>%1 (local)
%2
%3</source>
        <translation>%1 (Ortszeit)
%2
%3</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Changes</source>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Hash</translation>
    </message>
    <message>
        <source>Previous hash</source>
        <translation>Vorheriger Hash</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Select an event to see what it changed.</source>
        <translation>Wählen Sie ein Ereignis, um zu sehen, was es geändert hat.</translation>
    </message>
    <message>
        <source>Selected event</source>
        <translation>Ausgewähltes Ereignis</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>Wo</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
</context>
<context>
    <name>AuditModel</name>
    <message>
        <source>When</source>
        <extracomment>The AuditEventDTO behind a row. The invisible root: a table&apos;s rows have no other parent.</extracomment>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>What</source>
        <translation>Was</translation>
    </message>
    <message>
        <source>%1 on %2</source>
        <translation>%1 auf %2</translation>
    </message>
</context>
<context>
    <name>AuditScreen</name>
    <message>
        <source>#%1</source>
        <translation>#%1</translation>
    </message>
    <message>
        <source>%1
Key fingerprint %2</source>
        <translation>%1
Schlüssel-Fingerabdruck %2</translation>
    </message>
    <message>
        <source>%1 events</source>
        <translation>%1 Ereignisse</translation>
    </message>
    <message>
        <source>%1+ events (scroll for more)</source>
        <translation>%1+ Ereignisse (scrollen für mehr)</translation>
    </message>
    <message>
        <source>%1, from event #%2 back</source>
        <translation>%1, ab Ereignis #%2 rückwärts</translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation>&amp;Von</translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation>&amp;Bis</translation>
    </message>
    <message>
        <source>1 event</source>
        <translation>1 Ereignis</translation>
    </message>
    <message>
        <source>A key id, a pasted token (only its id is used) or text in a key&apos;s name</source>
        <translation>Eine Schlüssel-ID, ein eingefügtes Token (nur seine ID wird verwendet) oder Text aus einem Schlüsselnamen</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Any action</source>
        <translation>Jede Aktion</translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation>Alle Personen</translation>
    </message>
    <message>
        <source>Audit events</source>
        <translation>Prüfprotokoll-Ereignisse</translation>
    </message>
    <message>
        <source>Audit trail</source>
        <extracomment>A short confirmation for the status bar. A failure for the window&apos;s error handling (banner, Retry, bug report).
----------
Down in the search field asked for the first event of a search still loading.</extracomment>
        <translation>Prüfprotokoll</translation>
    </message>
    <message>
        <source>Cancelled after %1 of %2 events; nothing was concluded.</source>
        <translation>Nach %1 von %2 Ereignissen abgebrochen; kein Ergebnis.</translation>
    </message>
    <message>
        <source>Chain hash at #%1: %2</source>
        <translation>Ketten-Hash bei #%1: %2</translation>
    </message>
    <message>
        <source>Check every event&apos;s hash and every signed checkpoint</source>
        <translation>Den Hash jedes Ereignisses und jeden signierten Kontrollpunkt prüfen</translation>
    </message>
    <message>
        <source>Checking every event and every signed checkpoint…</source>
        <translation>Jedes Ereignis und jeder signierte Kontrollpunkt wird geprüft …</translation>
    </message>
    <message>
        <source>Checkpoints</source>
        <translation>Kontrollpunkte</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>Filter zurücksetzen</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>Ereignis</translation>
    </message>
    <message>
        <source>Events on or after this day (your local time)</source>
        <translation>Ereignisse ab diesem Tag (Ihre Ortszeit)</translation>
    </message>
    <message>
        <source>Events on or before this day (your local time)</source>
        <translation>Ereignisse bis einschließlich diesem Tag (Ihre Ortszeit)</translation>
    </message>
    <message>
        <source>Events shown</source>
        <translation>Angezeigte Ereignisse</translation>
    </message>
    <message>
        <source>Show new events</source>
        <translation>Neue Ereignisse zeigen</translation>
    </message>
    <message>
        <source>Events were added since this list was loaded</source>
        <translation>Seit dem Laden dieser Liste sind Ereignisse hinzugekommen</translation>
    </message>
    <message>
        <source>Every change to keys, people and policy: who did what, when, where and why. The events are chained, so tampering shows.</source>
        <extracomment>Beside or under the events (with their least sizes and first shares), set once the screen has a width (``_arrange_body``).</extracomment>
        <translation>Jede Änderung an Schlüsseln, Personen und Richtlinie: wer was wann, wo und warum getan hat. Die Ereignisse sind verkettet, daher fällt Manipulation auf.</translation>
    </message>
    <message>
        <source>Export evidence…</source>
        <translation>Nachweise exportieren …</translation>
    </message>
    <message>
        <source>Exporting evidence is not available in this version.</source>
        <translation>Das Exportieren von Nachweisen ist in dieser Version nicht verfügbar.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>Intact: %1 events checked; newest checkpoint #%2 signed by %3 on %4.</source>
        <translation>Intakt: %1 Ereignisse geprüft; neuester Kontrollpunkt #%2, signiert von %3 am %4.</translation>
    </message>
    <message>
        <source>Intact: %1 events checked; no checkpoint has been signed yet.</source>
        <translation>Intakt: %1 Ereignisse geprüft; noch kein Kontrollpunkt signiert.</translation>
    </message>
    <message>
        <source>Integrity of the audit trail</source>
        <translation>Integrität des Prüfprotokolls</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>Ungültig</translation>
    </message>
    <message>
        <source>Key id, key name, reason…</source>
        <translation>Schlüssel-ID, Schlüsselname, Grund …</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>No checkpoint signed yet.</source>
        <translation>Noch kein Kontrollpunkt signiert.</translation>
    </message>
    <message>
        <source>No events match</source>
        <translation>Keine passenden Ereignisse</translation>
    </message>
    <message>
        <source>No events yet</source>
        <translation>Noch keine Ereignisse</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>Nicht geprüft</translation>
    </message>
    <message>
        <source>Search events</source>
        <translation>Ereignisse suchen</translation>
    </message>
    <message>
        <source>Show one kind of event</source>
        <translation>Nur eine Art von Ereignis zeigen</translation>
    </message>
    <message>
        <source>Show what one person did</source>
        <translation>Zeigen, was eine Person getan hat</translation>
    </message>
    <message>
        <source>Sign checkpoint</source>
        <translation>Kontrollpunkt signieren</translation>
    </message>
    <message>
        <source>Sign the newest event with your key from the OS keyring</source>
        <translation>Das neueste Ereignis mit Ihrem Schlüssel aus dem Schlüsselbund des Systems signieren</translation>
    </message>
    <message>
        <source>Signed a checkpoint</source>
        <translation>Kontrollpunkt signiert</translation>
    </message>
    <message>
        <source>Signed a checkpoint at event #%1</source>
        <translation>Kontrollpunkt bei Ereignis #%1 signiert</translation>
    </message>
    <message>
        <source>Signed at</source>
        <translation>Signiert am</translation>
    </message>
    <message>
        <source>Signed by</source>
        <translation>Signiert von</translation>
    </message>
    <message>
        <source>Signed checkpoints</source>
        <translation>Signierte Kontrollpunkte</translation>
    </message>
    <message>
        <source>Tampered: %1</source>
        <translation>Manipuliert: %1</translation>
    </message>
    <message>
        <source>Tampered: event #%1 — %2</source>
        <translation>Manipuliert: Ereignis #%1 – %2</translation>
    </message>
    <message>
        <source>The events of your own keys: who did what, when, from where and why.</source>
        <translation>Die Ereignisse Ihrer eigenen Schlüssel: wer was wann, von wo und warum getan hat.</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Gültig</translation>
    </message>
    <message>
        <source>Verify integrity</source>
        <translation>Integrität prüfen</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
    <message>
        <source>Write an evidence pack for a period that can be checked offline</source>
        <translation>Ein offline prüfbares Nachweispaket für einen Zeitraum schreiben</translation>
    </message>
    <message>
        <source>the trail does not match its hashes</source>
        <translation>das Protokoll passt nicht zu seinen Hashes</translation>
    </message>
</context>
<context>
    <name>AuditTrailModel</name>
    <message>
        <source>%1
Exact instant: %2
Event #%3</source>
        <extracomment>A filter&apos;s first page arrived and replaced the rows. True while a filter&apos;s first page is on its way. Loading failed (the exception); the rows stay as they were. Rows were appended (a further page arrived). An event being searched for (``load_until``): a refresh in between searches again.</extracomment>
        <translation>%1
Genauer Zeitpunkt: %2
Ereignis #%3</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Rechner</translation>
    </message>
    <message>
        <source>%1 (review %2)</source>
        <translation>%1 (Überprüfung %2)</translation>
    </message>
    <message>
        <source>Review %1</source>
        <translation>Überprüfung %1</translation>
    </message>
    <message>
        <source>Checkpoint %1</source>
        <translation>Kontrollpunkt %1</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>When</source>
        <extracomment>The AuditEntry behind a row. The row&apos;s event sequence number. Rows per page: several screenfuls, small enough to arrive within a frame. Rows per round trip while looking for one event far down the trail. At most this many rows are loaded to reach one event; beyond, the table starts there.</extracomment>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Wer</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <source>Message</source>
        <translation>Meldung</translation>
    </message>
    <message>
        <source>Message action</source>
        <translation>Aktion zur Meldung</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>Meldung schließen</translation>
    </message>
</context>
<context>
    <name>BulkActionDialog</name>
    <message>
        <source>Change %n Key</source>
        <extracomment>How long the dry run waits after the last change of the action or its value. How long after opening the first dry run starts (the dialog is shown and painted first). Lines the list lays out per turn of the event loop. The result of a run (done, failed, not done), after the last key.</extracomment>
        <translation>%n Schlüssel ändern</translation>
    </message>
    <message>
        <source>Change %n Keys</source>
        <translation>%n Schlüssel ändern</translation>
    </message>
    <message>
        <source>%n key selected</source>
        <translation>%n Schlüssel ausgewählt</translation>
    </message>
    <message>
        <source>%n keys selected</source>
        <translation>%n Schlüssel ausgewählt</translation>
    </message>
    <message>
        <source>Nothing changes until you confirm. The list below is a dry run: what will change on each key, and which keys are skipped and why.</source>
        <translation>Nichts ändert sich, bevor Sie bestätigen. Die Liste unten ist ein Probelauf: was sich an jedem Schlüssel ändert und welche Schlüssel übersprungen werden und warum.</translation>
    </message>
    <message>
        <source>Dry run</source>
        <translation>Probelauf</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Set the expiry date</source>
        <translation>Ablaufdatum festlegen</translation>
    </message>
    <message>
        <source>Extend the expiry</source>
        <translation>Ablauf verlängern</translation>
    </message>
    <message>
        <source>Add a note to the description</source>
        <translation>Notiz zur Beschreibung hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Action</source>
        <translation>&amp;Aktion</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>e.g. unused for 90 days</source>
        <translation>z. B. seit 90 Tagen nicht verwendet</translation>
    </message>
    <message>
        <source>New expiry date</source>
        <translation>Neues Ablaufdatum</translation>
    </message>
    <message>
        <source>Days to add</source>
        <translation>Zusätzliche Tage</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>e.g. verify usage again on 1 March</source>
        <translation>z. B. Nutzung am 1. März erneut prüfen</translation>
    </message>
    <message>
        <source>&amp;Reason</source>
        <translation>&amp;Grund</translation>
    </message>
    <message>
        <source>&amp;Expires on</source>
        <translation>&amp;Läuft ab am</translation>
    </message>
    <message>
        <source>&amp;Extend by</source>
        <translation>&amp;Verlängern um</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>&amp;Notiz</translation>
    </message>
    <message>
        <source>%n key</source>
        <translation>%n Schlüssel</translation>
    </message>
    <message>
        <source>%n keys</source>
        <translation>%n Schlüssel</translation>
    </message>
    <message>
        <source>%1 will change; %2 skipped.</source>
        <translation>Zu ändern: %1; übersprungen: %2.</translation>
    </message>
    <message>
        <source>%1 will change.</source>
        <translation>Zu ändern: %1.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Changing keys</source>
        <translation>Schlüssel werden geändert</translation>
    </message>
    <message>
        <source>%1…</source>
        <translation>%1 …</translation>
    </message>
    <message>
        <source>Changed: %1</source>
        <translation>Geändert: %1</translation>
    </message>
    <message>
        <source>not changed: %1</source>
        <translation>nicht geändert: %1</translation>
    </message>
    <message>
        <source>left as they were (cancelled): %1</source>
        <translation>unverändert gelassen (abgebrochen): %1</translation>
    </message>
    <message>
        <source>The list shows each key not changed and why.</source>
        <translation>Die Liste zeigt jeden nicht geänderten Schlüssel und den Grund.</translation>
    </message>
    <message>
        <source>%1: not changed, %2</source>
        <translation>%1: nicht geändert, %2</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>ChangeView</name>
    <message>
        <source>%1 after</source>
        <translation>%1 nachher</translation>
    </message>
    <message>
        <source>%1 before</source>
        <translation>%1 vorher</translation>
    </message>
    <message>
        <source>%1 changed</source>
        <translation>%1 geändert</translation>
    </message>
    <message>
        <source>%1 unchanged</source>
        <translation>%1 unverändert</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
    <message>
        <source>After</source>
        <translation>Nachher</translation>
    </message>
    <message>
        <source>Before</source>
        <translation>Vorher</translation>
    </message>
    <message>
        <source>Before: %1. After: %2.</source>
        <translation>Vorher: %1. Nachher: %2.</translation>
    </message>
    <message>
        <source>Changes</source>
        <extracomment>A run of characters without a space longer than this may break anywhere when shown.</extracomment>
        <translation>Änderungen</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Feld</translation>
    </message>
    <message>
        <source>Hide unchanged fields</source>
        <translation>Unveränderte Felder ausblenden</translation>
    </message>
    <message>
        <source>Show %1 unchanged fields</source>
        <translation>%1 unveränderte Felder zeigen</translation>
    </message>
    <message>
        <source>Show 1 unchanged field</source>
        <translation>1 unverändertes Feld zeigen</translation>
    </message>
    <message>
        <source>This event records no field values.</source>
        <extracomment>&quot;after&quot; for a created record, &quot;before&quot; for a deleted one: only that side is shown.</extracomment>
        <translation>Dieses Ereignis enthält keine Feldwerte.</translation>
    </message>
</context>
<context>
    <name>Console</name>
    <message>
        <source>Keyward cannot start</source>
        <extracomment>The longest the first page&apos;s window waits for the console&apos;s own first page (ms).</extracomment>
        <translation>Keyward kann nicht starten</translation>
    </message>
    <message>
        <source>Updating the database…</source>
        <translation>Die Datenbank wird aktualisiert …</translation>
    </message>
</context>
<context>
    <name>CreateKeyDialog</name>
    <message>
        <source>Create API Key</source>
        <translation>API-Schlüssel erstellen</translation>
    </message>
    <message>
        <source>Problem creating the key</source>
        <extracomment>Longest key name quoted on a button before it is shortened with &quot;…&quot;. Active people the operator may create keys for; empty when only for themselves. The CreatedKey (with the one-time token) after a successful create. The operator, policy and owners are in and the form can be used. The revoked key this one replaces (Replace key), or None for a plain create. (key id, key name) of every key the service said will be revoked; set until confirmed.</extracomment>
        <translation>Problem beim Erstellen des Schlüssels</translation>
    </message>
    <message>
        <source>Key policy warning</source>
        <translation>Hinweis zur Schlüsselrichtlinie</translation>
    </message>
    <message>
        <source>New key details</source>
        <translation>Angaben zum neuen Schlüssel</translation>
    </message>
    <message>
        <source>One key per integration and environment keeps each one easy to revoke. The secret is shown once, right after you create the key: have your password manager or secrets manager ready.</source>
        <translation>Ein Schlüssel pro Integration und Umgebung lässt sich jederzeit einzeln widerrufen. Das Geheimnis wird nur einmal angezeigt, direkt nach dem Erstellen: Halten Sie Ihren Passwort- oder Secrets-Manager bereit.</translation>
    </message>
    <message>
        <source>“%1” (%2) of %3 is revoked. The new key takes its name under an active person you choose, and its description records what it replaces. Put the new secret, shown once, into the integration.</source>
        <translation>„%1“ (%2) von %3 ist widerrufen. Der neue Schlüssel übernimmt seinen Namen unter einer aktiven Person Ihrer Wahl, und seine Beschreibung hält fest, was er ersetzt. Tragen Sie das neue Geheimnis, das nur einmal angezeigt wird, in die Integration ein.</translation>
    </message>
    <message>
        <source>Replace API Key</source>
        <translation>API-Schlüssel ersetzen</translation>
    </message>
    <message>
        <source>Replaces “%1” (%2), owned by %3, revoked %4 (%5).</source>
        <translation>Ersetzt „%1“ (%2) von %3, widerrufen am %4 (%5).</translation>
    </message>
    <message>
        <source>%1 error</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Required, e.g. Salesforce Data Sync or Data Warehouse ETL</source>
        <translation>Pflichtfeld, z. B. Salesforce Data Sync oder Data Warehouse ETL</translation>
    </message>
    <message>
        <source>Required. At most %1 characters.</source>
        <translation>Pflichtfeld. Höchstens %1 Zeichen.</translation>
    </message>
    <message>
        <source>Be specific and consistent: “[System] Integration”, “[Purpose] API” or “[Team] [Purpose]”, e.g. RevOps Reporting.</source>
        <translation>Genau und einheitlich benennen: „[System] Integration“, „[Zweck] API“ oder „[Team] [Zweck]“, z. B. RevOps Reporting.</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>[Purpose]. Owner: [Team/Person]. Systems: [List]. Frequency: [Daily/Real-time/etc]. Contact: [Email]</source>
        <translation>[Zweck]. Verantwortlich: [Team/Person]. Systeme: [Liste]. Häufigkeit: [täglich/Echtzeit/…]. Kontakt: [E-Mail]</translation>
    </message>
    <message>
        <source>Optional but recommended. At most %1 characters.</source>
        <translation>Optional, aber empfohlen. Höchstens %1 Zeichen.</translation>
    </message>
    <message>
        <source>Description length</source>
        <translation>Länge der Beschreibung</translation>
    </message>
    <message>
        <source>Optional but recommended: future admins and auditors rely on it. Include where the secret will be stored.</source>
        <translation>Optional, aber empfohlen: Künftige Admins und Prüfer verlassen sich darauf. Notieren Sie auch, wo das Geheimnis aufbewahrt wird.</translation>
    </message>
    <message>
        <source>&amp;Description</source>
        <translation>&amp;Beschreibung</translation>
    </message>
    <message>
        <source>Expire date</source>
        <translation>Ablaufdatum</translation>
    </message>
    <message>
        <source>No ex&amp;piry</source>
        <translation>&amp;Kein Ablauf</translation>
    </message>
    <message>
        <source>No expiry</source>
        <translation>Kein Ablauf</translation>
    </message>
    <message>
        <source>%1 days</source>
        <translation>%1 Tage</translation>
    </message>
    <message>
        <source>Expire in %1 days</source>
        <translation>Läuft in %1 Tagen ab</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keins</translation>
    </message>
    <message>
        <source>Optional. Use Expire Date for contractors, pilots, or short-term projects.</source>
        <translation>Optional. Ein Ablaufdatum eignet sich für externe Dienstleister, Pilotprojekte und kurze Vorhaben.</translation>
    </message>
    <message>
        <source>E&amp;xpire date</source>
        <translation>&amp;Ablaufdatum</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Environment and owner</source>
        <translation>Umgebung und Besitzer</translation>
    </message>
    <message>
        <source>&amp;Environment</source>
        <translation>&amp;Umgebung</translation>
    </message>
    <message>
        <source>&amp;Owner</source>
        <translation>Besi&amp;tzer</translation>
    </message>
    <message>
        <source>Use one key per integration and environment (live, test, dev, stage) to isolate risk. The owner answers for the key; deactivating them revokes it.</source>
        <translation>Verwenden Sie einen Schlüssel pro Integration und Umgebung (live, test, dev, stage), um Risiken zu trennen. Der Besitzer ist für den Schlüssel verantwortlich; wird er deaktiviert, wird der Schlüssel widerrufen.</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Create replacement</source>
        <translation>Ersatz erstellen</translation>
    </message>
    <message>
        <source>Revoke the oldest key and create</source>
        <translation>Ältesten Schlüssel widerrufen und erstellen</translation>
    </message>
    <message>
        <source>Ctrl+Enter creates from any field</source>
        <translation>Strg+Eingabe erstellt aus jedem Feld</translation>
    </message>
    <message>
        <source>Loading your role and the key policy…</source>
        <translation>Ihre Rolle und die Schlüsselrichtlinie werden geladen …</translation>
    </message>
    <message>
        <source>The key policy requires an expiry within %1 days.</source>
        <translation>Die Schlüsselrichtlinie verlangt ein Ablaufdatum innerhalb von %1 Tagen.</translation>
    </message>
    <message>
        <source>%1 — you</source>
        <translation>%1 – Sie</translation>
    </message>
    <message>
        <source>You will be asked to confirm.</source>
        <translation>Sie werden um Bestätigung gebeten.</translation>
    </message>
    <message>
        <source>Creating this key will revoke your existing key “%1” (%2): only one active key per user is allowed.</source>
        <translation>Mit diesem Schlüssel wird Ihr bisheriger Schlüssel „%1“ (%2) widerrufen: Pro Benutzer ist nur ein aktiver Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Creating this key will revoke your oldest active key “%1” (%2): at most %4 active keys per user are allowed.</source>
        <translation>Mit diesem Schlüssel wird Ihr ältester aktiver Schlüssel „%1“ (%2) widerrufen: Pro Benutzer sind höchstens %4 aktive Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Creating this key will revoke %3&apos;s existing key “%1” (%2): only one active key per user is allowed.</source>
        <translation>Mit diesem Schlüssel wird der bisherige Schlüssel „%1“ (%2) von %3 widerrufen: Pro Benutzer ist nur ein aktiver Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Creating this key will revoke %3&apos;s oldest active key “%1” (%2): at most %4 active keys per user are allowed.</source>
        <translation>Mit diesem Schlüssel wird der älteste aktive Schlüssel „%1“ (%2) von %3 widerrufen: Pro Benutzer sind höchstens %4 aktive Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Any integration using “%1” stops working at once.</source>
        <translation>Jede Integration, die „%1“ verwendet, funktioniert sofort nicht mehr.</translation>
    </message>
    <message>
        <source>, </source>
        <translation>, </translation>
    </message>
    <message>
        <source>“%1” (%2)</source>
        <translation>„%1“ (%2)</translation>
    </message>
    <message>
        <source>Creating this key will revoke your %1 active keys, %2: only one active key per user is allowed.</source>
        <translation>Mit diesem Schlüssel werden Ihre %1 aktiven Schlüssel widerrufen, %2: Pro Benutzer ist nur ein aktiver Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Creating this key will revoke your %1 oldest active keys, %2: at most %4 active keys per user are allowed.</source>
        <translation>Mit diesem Schlüssel werden Ihre %1 ältesten aktiven Schlüssel widerrufen, %2: Pro Benutzer sind höchstens %4 aktive Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Creating this key will revoke %3&apos;s %1 active keys, %2: only one active key per user is allowed.</source>
        <translation>Mit diesem Schlüssel werden die %1 aktiven Schlüssel von %3 widerrufen, %2: Pro Benutzer ist nur ein aktiver Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Creating this key will revoke %3&apos;s %1 oldest active keys, %2: at most %4 active keys per user are allowed.</source>
        <translation>Mit diesem Schlüssel werden die %1 ältesten aktiven Schlüssel von %3 widerrufen, %2: Pro Benutzer sind höchstens %4 aktive Schlüssel erlaubt.</translation>
    </message>
    <message>
        <source>Any integration using them stops working at once.</source>
        <translation>Integrationen, die sie verwenden, funktionieren sofort nicht mehr.</translation>
    </message>
    <message>
        <source>Revoke “%1” and create</source>
        <translation>„%1“ widerrufen und erstellen</translation>
    </message>
    <message>
        <source>Confirm with the button below, or Cancel to keep “%1”.</source>
        <translation>Bestätigen Sie mit der Schaltfläche unten, oder brechen Sie ab, um „%1“ zu behalten.</translation>
    </message>
    <message numerus="yes">
        <source>Revoke %n keys and create</source>
        <translation>
            <numerusform>%n Schlüssel widerrufen und erstellen</numerusform>
            <numerusform>%n Schlüssel widerrufen und erstellen</numerusform>
        </translation>
    </message>
    <message>
        <source>Confirm with the button below, or Cancel to keep them.</source>
        <translation>Bestätigen Sie mit der Schaltfläche unten, oder brechen Sie ab, um sie zu behalten.</translation>
    </message>
    <message>
        <source>%1 of %2 characters</source>
        <translation>%1 von %2 Zeichen</translation>
    </message>
    <message>
        <source>The key never expires; it works until it is revoked.</source>
        <translation>Der Schlüssel läuft nie ab; er gilt, bis er widerrufen wird.</translation>
    </message>
    <message>
        <source>The key stops working at the end of %1 (UTC), %2 days from today.</source>
        <translation>Der Schlüssel gilt bis zum Ende des %1 (UTC), also noch %2 Tage.</translation>
    </message>
    <message>
        <source>Creating…</source>
        <translation>Wird erstellt …</translation>
    </message>
    <message>
        <source>Revoking the old key and creating the new one…</source>
        <translation>Der alte Schlüssel wird widerrufen und der neue erstellt …</translation>
    </message>
    <message>
        <source>Creating the key…</source>
        <translation>Der Schlüssel wird erstellt …</translation>
    </message>
</context>
<context>
    <name>DatabaseLogin</name>
    <message>
        <source>The database password was not saved in the OS keyring (%1); Keyward will ask again next time.</source>
        <translation>Das Datenbankpasswort wurde nicht im Schlüsselbund des Systems gespeichert (%1); Keyward fragt beim nächsten Mal erneut.</translation>
    </message>
</context>
<context>
    <name>DatabasePasswordDialog</name>
    <message>
        <source>Database password</source>
        <translation>Datenbankpasswort</translation>
    </message>
    <message>
        <source>Keyward needs the password of &lt;b&gt;%1&lt;/b&gt; for %2.</source>
        <translation>Keyward braucht das Passwort von &lt;b&gt;%1&lt;/b&gt; für %2.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Remember in the OS keyring</source>
        <translation>Im Schlüsselbund des Systems merken</translation>
    </message>
    <message>
        <source>Kept by your operating system&apos;s keyring, never in Keyward&apos;s settings</source>
        <translation>Wird im Schlüsselbund Ihres Betriebssystems aufbewahrt, nie in den Einstellungen von Keyward</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>Verbinden</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Passwort</translation>
    </message>
</context>
<context>
    <name>DateFilterEdit</name>
    <message>
        <source>No date</source>
        <extracomment>The roles that may sign a checkpoint (``app.services.checkpoints.SIGNERS``). Below this width the page&apos;s subtitle gives its room to the table. The side panel&apos;s comparison stacks before over after below this width. The event panel&apos;s least width beside the events, and its least height under them; the events table&apos;s least width beside the panel, and its least height above it. The columns that say who did what to which key: the events table shows them whole, or the event panel goes under the table rather than beside it. Room beside the longest action label in its column (the cell&apos;s margins). Who narrows to this (its text elided) before When, Action or Target would not be whole.</extracomment>
        <translation>Kein Datum</translation>
    </message>
</context>
<context>
    <name>DeactivateUserDialog</name>
    <message>
        <source>Deactivate %1</source>
        <extracomment>Longest reason a person may give (the audit event keeps it whole). (UserDTO after, number of keys revoked, ids of the keys the preview listed) The preview arrived and the form can be used.</extracomment>
        <translation>%1 deaktivieren</translation>
    </message>
    <message>
        <source>%1 (%2) can no longer use Keyward, and every key they own is revoked now, with your reason. The keys stay listed for the audit trail; reactivating %1 later does not bring them back.</source>
        <translation>%1 (%2) kann Keyward nicht mehr verwenden, und alle Schlüssel der Person werden jetzt mit Ihrem Grund widerrufen. Die Schlüssel bleiben für das Prüfprotokoll aufgeführt; eine spätere Reaktivierung von %1 bringt sie nicht zurück.</translation>
    </message>
    <message>
        <source>Problem deactivating</source>
        <translation>Problem beim Deaktivieren</translation>
    </message>
    <message>
        <source>Keys to revoke</source>
        <translation>Zu widerrufende Schlüssel</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Key id</source>
        <translation>Schlüssel-ID</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Consequence</source>
        <translation>Folge</translation>
    </message>
    <message>
        <source>Integrations using these keys stop working at once.</source>
        <translation>Integrationen, die diese Schlüssel verwenden, funktionieren sofort nicht mehr.</translation>
    </message>
    <message>
        <source>&amp;Reason (required, kept in the audit trail)</source>
        <translation>&amp;Grund (Pflichtfeld, im Prüfprotokoll festgehalten)</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>e.g. Left the company on 28 Nov</source>
        <translation>z. B. Hat das Unternehmen am 28. Nov. verlassen</translation>
    </message>
    <message>
        <source>Reason error</source>
        <translation>Fehler im Grund</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Finding the keys that will be revoked…</source>
        <translation>Die zu widerrufenden Schlüssel werden ermittelt …</translation>
    </message>
    <message>
        <source>Deactivate and revoke 1 key</source>
        <translation>Deaktivieren und 1 Schlüssel widerrufen</translation>
    </message>
    <message numerus="yes">
        <source>Deactivate and revoke %n keys</source>
        <translation>
            <numerusform>Deaktivieren und %n Schlüssel widerrufen</numerusform>
            <numerusform>Deaktivieren und %n Schlüssel widerrufen</numerusform>
        </translation>
    </message>
    <message>
        <source>Never used</source>
        <translation>Nie verwendet</translation>
    </message>
    <message>
        <source>This key of %1 will be revoked:</source>
        <translation>Dieser Schlüssel von %1 wird widerrufen:</translation>
    </message>
    <message numerus="yes">
        <source>These %n keys of %1 will be revoked:</source>
        <translation>
            <numerusform>Dieser %n Schlüssel von %1 wird widerrufen:</numerusform>
            <numerusform>Diese %n Schlüssel von %1 werden widerrufen:</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 has no active keys; nothing will be revoked.</source>
        <translation>%1 hat keine aktiven Schlüssel; nichts wird widerrufen.</translation>
    </message>
    <message>
        <source>Give a reason: the audit trail keeps it with every revoked key.</source>
        <translation>Geben Sie einen Grund an: Das Prüfprotokoll hält ihn bei jedem widerrufenen Schlüssel fest.</translation>
    </message>
    <message>
        <source>Deactivating and revoking…</source>
        <translation>Wird deaktiviert und widerrufen …</translation>
    </message>
</context>
<context>
    <name>DeleteKeyDialog</name>
    <message>
        <source>Delete API Key</source>
        <extracomment>The key was deleted (the DTO as it was last seen).</extracomment>
        <translation>API-Schlüssel löschen</translation>
    </message>
    <message>
        <source>Delete “%1”?</source>
        <translation>„%1“ löschen?</translation>
    </message>
    <message>
        <source>It disappears from the list; the audit trail keeps a record. An active key is revoked first, with the reason below.</source>
        <translation>Der Schlüssel verschwindet aus der Liste; das Prüfprotokoll behält einen Eintrag. Ein aktiver Schlüssel wird zuerst widerrufen, mit dem Grund unten.</translation>
    </message>
    <message>
        <source>It is revoked already: deleting only removes it from the list. The audit trail keeps a record.</source>
        <translation>Er ist bereits widerrufen: Löschen entfernt ihn nur aus der Liste. Das Prüfprotokoll behält einen Eintrag.</translation>
    </message>
    <message>
        <source>Delete key</source>
        <translation>Schlüssel löschen</translation>
    </message>
    <message>
        <source>Deleting the key…</source>
        <translation>Der Schlüssel wird gelöscht …</translation>
    </message>
    <message>
        <source>A change to this key is on its way. Try again when it is done.</source>
        <translation>Eine Änderung an diesem Schlüssel ist noch unterwegs. Versuchen Sie es erneut, wenn sie abgeschlossen ist.</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Create API Key</source>
        <extracomment>The pictures above the text (resources/icons): an empty table with a &quot;+&quot;, and without.</extracomment>
        <translation>API-Schlüssel erstellen</translation>
    </message>
    <message>
        <source>Clear search and filter</source>
        <translation>Suche und Filter zurücksetzen</translation>
    </message>
    <message>
        <source>No API keys yet</source>
        <translation>Noch keine API-Schlüssel</translation>
    </message>
    <message>
        <source>Create one key per integration and environment — “Salesforce Data Sync”, “Snowflake ETL” — so that each can be revoked without breaking the others. The secret is shown once; have your vault ready.</source>
        <translation>Erstellen Sie einen Schlüssel pro Integration und Umgebung – „Salesforce Data Sync“, „Snowflake ETL“ –, damit jeder einzeln widerrufen werden kann, ohne die anderen zu stören. Das Geheimnis wird nur einmal angezeigt; halten Sie Ihren Tresor bereit.</translation>
    </message>
    <message>
        <source>There are no keys to show.</source>
        <translation>Es gibt keine Schlüssel zum Anzeigen.</translation>
    </message>
    <message>
        <source>No keys match “%1”</source>
        <translation>Keine Schlüssel passen zu „%1“</translation>
    </message>
    <message>
        <source>No keys with this status</source>
        <translation>Keine Schlüssel mit diesem Status</translation>
    </message>
    <message>
        <source>Search looks at names, descriptions, owners and key ids. Check the spelling or the status filter.</source>
        <translation>Die Suche berücksichtigt Namen, Beschreibungen, Besitzer und Schlüssel-IDs. Prüfen Sie die Schreibweise oder den Statusfilter.</translation>
    </message>
</context>
<context>
    <name>ErrorPresenter</name>
    <message>
        <source>Keyward ran into a bug</source>
        <extracomment>A known error&apos;s sentence, for the main window&apos;s non-blocking banner. A bug&apos;s report text (type, message and traceback), after the dialog was shown.</extracomment>
        <translation>Keyward ist auf einen Programmfehler gestoßen</translation>
    </message>
    <message>
        <source>Your data is safe: the change in progress was not saved. Please send the details below to whoever looks after Keyward.</source>
        <translation>Ihre Daten sind sicher: Die laufende Änderung wurde nicht gespeichert. Bitte schicken Sie die Angaben unten an die Person, die Keyward betreut.</translation>
    </message>
</context>
<context>
    <name>EvidenceExportDialog</name>
    <message>
        <source>Export Evidence</source>
        <extracomment>Qt&apos;s own folder dialog, not the platform&apos;s (tests drive it; set False on desktops that want the native one — the console keeps Qt&apos;s for a predictable, scriptable dialog).</extracomment>
        <translation>Nachweise exportieren</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Export an evidence pack</source>
        <translation>Ein Nachweispaket exportieren</translation>
    </message>
    <message>
        <source>One folder (or zip) with the keys as they were at the start and at the end of the period, every event of the period with its hash chain, the signed checkpoints that cover it, a manifest of SHA-256 sums and a README. Anyone can check it offline, without the database.</source>
        <translation>Ein Ordner (oder ZIP) mit den Schlüsseln zu Beginn und am Ende des Zeitraums, jedem Ereignis des Zeitraums mit seiner Hash-Kette, den signierten Kontrollpunkten, die ihn abdecken, einem Manifest mit SHA-256-Summen und einer README. Jeder kann es offline prüfen, ohne die Datenbank.</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>to</source>
        <translation>bis</translation>
    </message>
    <message>
        <source>Whole days in UTC, both included. Suggested: the previous calendar month.</source>
        <translation>Ganze Tage in UTC, beide eingeschlossen. Vorschlag: der vorige Kalendermonat.</translation>
    </message>
    <message>
        <source>&amp;Period</source>
        <translation>&amp;Zeitraum</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>&amp;Choose…</source>
        <translation>&amp;Auswählen …</translation>
    </message>
    <message>
        <source>Choose folder</source>
        <translation>Ordner auswählen</translation>
    </message>
    <message>
        <source>As one &amp;zip file</source>
        <translation>Als eine &amp;ZIP-Datei</translation>
    </message>
    <message>
        <source>As zip</source>
        <translation>Als ZIP</translation>
    </message>
    <message>
        <source>&amp;Save in</source>
        <translation>&amp;Speichern in</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>Ordner öffnen</translation>
    </message>
    <message>
        <source>Verify pack</source>
        <translation>Paket prüfen</translation>
    </message>
    <message>
        <source>Check the pack as a colleague would: manifest, chain and signatures</source>
        <translation>Das Paket so prüfen, wie es eine Kollegin täte: Manifest, Kette und Signaturen</translation>
    </message>
    <message>
        <source>Check result</source>
        <translation>Prüfergebnis</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Dialogschaltflächen</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>&amp;Exportieren</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation>Der Zeitraum endet, bevor er beginnt.</translation>
    </message>
    <message>
        <source>Choose the folder to save the pack in.</source>
        <translation>Wählen Sie den Ordner, in dem das Paket gespeichert wird.</translation>
    </message>
    <message>
        <source>New pack: %1</source>
        <translation>Neues Paket: %1</translation>
    </message>
    <message>
        <source>Save the evidence pack in</source>
        <translation>Nachweispaket speichern in</translation>
    </message>
    <message>
        <source>Exporting evidence</source>
        <translation>Nachweise werden exportiert</translation>
    </message>
    <message>
        <source>Writing the evidence pack for %1 to %2…</source>
        <translation>Das Nachweispaket für %1 bis %2 wird geschrieben …</translation>
    </message>
    <message>
        <source>1 event</source>
        <translation>1 Ereignis</translation>
    </message>
    <message>
        <source>%1 events</source>
        <translation>%1 Ereignisse</translation>
    </message>
    <message>
        <source>1 key</source>
        <translation>1 Schlüssel</translation>
    </message>
    <message>
        <source>%1 keys</source>
        <translation>%1 Schlüsseln</translation>
    </message>
    <message>
        <source>Exported %1 and the inventory of %2 to %3</source>
        <translation>%1 und der Bestand von %2 wurden nach %3 exportiert</translation>
    </message>
    <message>
        <source>Cancelled: no evidence pack was written.</source>
        <translation>Abgebrochen: Es wurde kein Nachweispaket geschrieben.</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft …</translation>
    </message>
    <message>
        <source>Not intact: %1</source>
        <translation>Nicht intakt: %1</translation>
    </message>
    <message>
        <source>unknown problem</source>
        <translation>unbekanntes Problem</translation>
    </message>
    <message>
        <source>every file matches the manifest and the event forms an unbroken chain</source>
        <translation>jede Datei passt zum Manifest und das Ereignis bildet eine lückenlose Kette</translation>
    </message>
    <message>
        <source>every file matches the manifest and %1 events form an unbroken chain</source>
        <translation>jede Datei passt zum Manifest und %1 Ereignisse bilden eine lückenlose Kette</translation>
    </message>
    <message>
        <source>Intact: %1. No signed checkpoint covers the period yet (sign one in the Audit view, then export again, to pin the trail).</source>
        <translation>Intakt: %1. Noch deckt kein signierter Kontrollpunkt den Zeitraum ab (signieren Sie einen in der Prüfansicht und exportieren Sie erneut, um das Protokoll festzuschreiben).</translation>
    </message>
    <message>
        <source>Intact: %1, and %2.</source>
        <translation>Intakt: %1, und %2.</translation>
    </message>
    <message>
        <source>the signed checkpoint holds</source>
        <translation>der signierte Kontrollpunkt stimmt</translation>
    </message>
    <message>
        <source>%n signed checkpoints hold</source>
        <translation>%n signierte Kontrollpunkte stimmen</translation>
    </message>
</context>
<context>
    <name>FirstWindow</name>
    <message>
        <source>Keyward</source>
        <extracomment>The main window&apos;s size when nothing was remembered (``main_window.DEFAULT_SIZE``). The workspace whose first page this is (``main_window.KEYS``). The longest wait for the rows before the window shows without them (ms). The first page has arrived (or could not be read): the window may be shown.</extracomment>
        <translation>Keyward</translation>
    </message>
    <message>
        <source>API Keys</source>
        <extracomment>The person closed it before the console was ready: Keyward ends. Whether the file it shows is of this version&apos;s schema (read with its first page).</extracomment>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Opening the console…</source>
        <translation>Die Konsole wird geöffnet …</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
</context>
<context>
    <name>Formatting</name>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>%n minute ago</source>
        <translation>vor %n Minute</translation>
    </message>
    <message>
        <source>%n minutes ago</source>
        <translation>vor %n Minuten</translation>
    </message>
    <message>
        <source>%n hour ago</source>
        <translation>vor %n Stunde</translation>
    </message>
    <message>
        <source>%n hours ago</source>
        <translation>vor %n Stunden</translation>
    </message>
    <message>
        <source>yesterday</source>
        <translation>gestern</translation>
    </message>
    <message>
        <source>%n day ago</source>
        <translation>vor %n Tag</translation>
    </message>
    <message>
        <source>%n days ago</source>
        <translation>vor %n Tagen</translation>
    </message>
    <message>
        <source>%n month ago</source>
        <translation>vor %n Monat</translation>
    </message>
    <message>
        <source>%n months ago</source>
        <translation>vor %n Monaten</translation>
    </message>
    <message>
        <source>%n year ago</source>
        <translation>vor %n Jahr</translation>
    </message>
    <message>
        <source>%n years ago</source>
        <translation>vor %n Jahren</translation>
    </message>
    <message>
        <source>in %n minute</source>
        <translation>in %n Minute</translation>
    </message>
    <message>
        <source>in %n minutes</source>
        <translation>in %n Minuten</translation>
    </message>
    <message>
        <source>%n minute</source>
        <translation>%n Minute</translation>
    </message>
    <message>
        <source>%n minutes</source>
        <translation>%n Minuten</translation>
    </message>
    <message>
        <source>in %n hour</source>
        <translation>in %n Stunde</translation>
    </message>
    <message>
        <source>in %n hours</source>
        <translation>in %n Stunden</translation>
    </message>
    <message>
        <source>%n hour</source>
        <translation>%n Stunde</translation>
    </message>
    <message>
        <source>%n hours</source>
        <translation>%n Stunden</translation>
    </message>
    <message>
        <source>%n day</source>
        <translation>%n Tag</translation>
    </message>
    <message>
        <source>%n days</source>
        <translation>%n Tage</translation>
    </message>
    <message>
        <source>in %n day</source>
        <translation>in %n Tag</translation>
    </message>
    <message>
        <source>in %n days</source>
        <translation>in %n Tagen</translation>
    </message>
    <message>
        <source>in %n month</source>
        <translation>in %n Monat</translation>
    </message>
    <message>
        <source>in %n months</source>
        <translation>in %n Monaten</translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>Keyward Help</source>
        <translation>Keyward-Hilfe</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hilfe</translation>
    </message>
</context>
<context>
    <name>InventoryModel</name>
    <message>
        <source>Name</source>
        <extracomment>The InventoryRow behind a row. The row&apos;s status (a KeyStatus when it is one; drawn as a badge by the status delegate).</extracomment>
        <translation>Name</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Created On</source>
        <translation>Erstellt am</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Does not expire</source>
        <extracomment>Stands in for a missing time in a sort key (never shown).</extracomment>
        <translation>Läuft nicht ab</translation>
    </message>
</context>
<context>
    <name>KeyActionsDelegate</name>
    <message>
        <source>Checking your role…</source>
        <extracomment>The column&apos;s fixed width: padding, toggle, two buttons, padding. Cell looks kept at most (a handful are in use: the sizes change only with the font).</extracomment>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>Changing…</source>
        <extracomment>The painted controls of each look a cell can have (see paint).</extracomment>
        <translation>Wird geändert …</translation>
    </message>
    <message>
        <source>Disable — integrations using this key are refused at once</source>
        <translation>Deaktivieren – Integrationen mit diesem Schlüssel werden sofort abgewiesen</translation>
    </message>
    <message>
        <source>Enable — integrations using this key are accepted at once</source>
        <translation>Aktivieren – Integrationen mit diesem Schlüssel werden sofort wieder angenommen</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen …</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
</context>
<context>
    <name>KeyActivity</name>
    <message>
        <source>History</source>
        <extracomment>A failure worth telling the user about (a deleted key&apos;s missing history is not). &quot;Show in audit log&quot;: the Audit view, filtered to this key (the key id).</extracomment>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Usage, last 30 days</source>
        <translation>Nutzung, letzte 30 Tage</translation>
    </message>
    <message>
        <source>30 days ago</source>
        <translation>vor 30 Tagen</translation>
    </message>
    <message>
        <source>today</source>
        <translation>heute</translation>
    </message>
    <message>
        <source>History of this key</source>
        <translation>Verlauf dieses Schlüssels</translation>
    </message>
    <message>
        <source>1 verification</source>
        <translation>1 Prüfung</translation>
    </message>
    <message>
        <source>%1 verifications</source>
        <translation>%1 Prüfungen</translation>
    </message>
    <message>
        <source>Open the Audit view with this key&apos;s events</source>
        <translation>Die Prüfansicht mit den Ereignissen dieses Schlüssels öffnen</translation>
    </message>
    <message>
        <source>Show in audit log</source>
        <translation>Im Prüfprotokoll zeigen</translation>
    </message>
    <message>
        <source>What the selected event changed</source>
        <translation>Was das ausgewählte Ereignis geändert hat</translation>
    </message>
</context>
<context>
    <name>KeyDetailPanel</name>
    <message>
        <source>Your role (Auditor) can read keys but not change them</source>
        <translation>Ihre Rolle (Prüfer) darf Schlüssel lesen, aber nicht ändern</translation>
    </message>
    <message>
        <source>Your role (Verifier) is for services that verify tokens</source>
        <translation>Ihre Rolle (Verifizierer) ist für Dienste gedacht, die Tokens prüfen</translation>
    </message>
    <message>
        <source>Your role (%1) can change your own keys only</source>
        <translation>Ihre Rolle (%1) darf nur Ihre eigenen Schlüssel ändern</translation>
    </message>
    <message>
        <source>Key details</source>
        <extracomment>A link in the facts to another key (rotation): the screen selects that key. A short confirmation for the status bar (&quot;Key id copied&quot;). An error for the window&apos;s presenter (the panel shows conflicts itself).</extracomment>
        <translation>Schlüsseldetails</translation>
    </message>
    <message>
        <source>Details</source>
        <extracomment>Someone else changed the key under an edit in progress: saving waits for Reload.</extracomment>
        <translation>Details</translation>
    </message>
    <message>
        <source>Close the details (Esc in the table)</source>
        <translation>Details schließen (Esc in der Tabelle)</translation>
    </message>
    <message>
        <source>Close details</source>
        <translation>Details schließen</translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation>&amp;Name</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>What the key is for, e.g. Snowflake ETL</source>
        <translation>Wofür der Schlüssel da ist, z. B. Snowflake ETL</translation>
    </message>
    <message>
        <source>&amp;Description</source>
        <translation>&amp;Beschreibung</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Purpose. Owner: team or person. Systems: … Frequency: … Contact: …</source>
        <translation>Zweck. Verantwortlich: Team oder Person. Systeme: … Häufigkeit: … Kontakt: …</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Save name and description</source>
        <translation>Name und Beschreibung speichern</translation>
    </message>
    <message>
        <source>Save (Enter in the name, Ctrl+S)</source>
        <translation>Speichern (Eingabe im Namen, Strg+S)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Änderungen verwerfen</translation>
    </message>
    <message>
        <source>Discard your changes (Esc)</source>
        <translation>Ihre Änderungen verwerfen (Esc)</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Aktiviert</translation>
    </message>
    <message>
        <source>Rotate…</source>
        <translation>Rotieren …</translation>
    </message>
    <message>
        <source>Rotate key</source>
        <translation>Schlüssel rotieren</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen …</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>Delete key</source>
        <translation>Schlüssel löschen</translation>
    </message>
    <message>
        <source>This key is already revoked</source>
        <translation>Dieser Schlüssel ist bereits widerrufen</translation>
    </message>
    <message>
        <source>Revoke for good: integrations using it stop working at once</source>
        <translation>Endgültig widerrufen: Integrationen, die ihn verwenden, funktionieren sofort nicht mehr</translation>
    </message>
    <message>
        <source>Remove from the list; the audit trail keeps a record</source>
        <translation>Aus der Liste entfernen; das Prüfprotokoll behält einen Eintrag</translation>
    </message>
    <message>
        <source>A revoked key cannot be rotated; create a new key instead</source>
        <translation>Ein widerrufener Schlüssel kann nicht rotiert werden; erstellen Sie stattdessen einen neuen</translation>
    </message>
    <message>
        <source>Already rotated: rotate the key that replaces it instead</source>
        <translation>Bereits rotiert: rotieren Sie stattdessen den Schlüssel, der ihn ersetzt</translation>
    </message>
    <message>
        <source>Create a successor with a new secret; this key keeps working for a grace period you choose</source>
        <translation>Einen Nachfolger mit neuem Geheimnis erstellen; dieser Schlüssel funktioniert noch für eine Übergangszeit Ihrer Wahl</translation>
    </message>
    <message>
        <source>A revoked key stays revoked; create a new key instead</source>
        <translation>Ein widerrufener Schlüssel bleibt widerrufen; erstellen Sie stattdessen einen neuen</translation>
    </message>
    <message>
        <source>Revoked keys cannot be enabled again.</source>
        <translation>Widerrufene Schlüssel können nicht wieder aktiviert werden.</translation>
    </message>
    <message>
        <source>Allow or block verifications of this key at once</source>
        <translation>Prüfungen dieses Schlüssels sofort erlauben oder sperren</translation>
    </message>
    <message>
        <source>Expired: verifications are refused whatever this switch says.</source>
        <translation>Abgelaufen: Prüfungen werden unabhängig von diesem Schalter abgewiesen.</translation>
    </message>
    <message>
        <source>Integrations using this key are accepted.</source>
        <translation>Integrationen mit diesem Schlüssel werden angenommen.</translation>
    </message>
    <message>
        <source>Verifications are refused until you enable it again.</source>
        <translation>Prüfungen werden abgewiesen, bis Sie ihn wieder aktivieren.</translation>
    </message>
    <message>
        <source>Saved “%1”</source>
        <translation>„%1“ gespeichert</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>%1 “%2”</source>
        <translation>%1 „%2“</translation>
    </message>
    <message>
        <source>someone else</source>
        <translation>jemand anderem</translation>
    </message>
    <message>
        <source>an unknown time</source>
        <translation>unbekanntem Zeitpunkt</translation>
    </message>
    <message>
        <source>Changed by %1 at %2 since you opened it. Your text is kept; reload to see their change, then edit again.</source>
        <translation>Seit Sie ihn geöffnet haben, von %1 um %2 geändert. Ihr Text bleibt erhalten; laden Sie neu, um die Änderung zu sehen, und bearbeiten Sie dann erneut.</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>Neu laden</translation>
    </message>
    <message>
        <source>Copied the key id %1</source>
        <translation>Schlüssel-ID %1 kopiert</translation>
    </message>
</context>
<context>
    <name>KeyFacts</name>
    <message>
        <source>Copy the key id (not the secret)</source>
        <extracomment>The scheme of the links to other keys (&quot;key:&lt;id&gt;&quot;). A link to another key (the one it replaces or that replaces it) was followed.</extracomment>
        <translation>Schlüssel-ID kopieren (nicht das Geheimnis)</translation>
    </message>
    <message>
        <source>Copy key id</source>
        <translation>Schlüssel-ID kopieren</translation>
    </message>
    <message>
        <source>Replaces</source>
        <translation>Ersetzt</translation>
    </message>
    <message>
        <source>Replaced by</source>
        <translation>Ersetzt durch</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Last updated</source>
        <translation>Zuletzt geändert</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Key id %1</source>
        <translation>Schlüssel-ID %1</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>deaktiviert</translation>
    </message>
    <message>
        <source>Select the key this one replaced</source>
        <translation>Den Schlüssel auswählen, den dieser ersetzt hat</translation>
    </message>
    <message>
        <source>stops on %1</source>
        <translation>endet am %1</translation>
    </message>
    <message>
        <source>Select the key that replaces this one</source>
        <translation>Den Schlüssel auswählen, der diesen ersetzt</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source> (frozen at revocation)</source>
        <translation> (beim Widerruf eingefroren)</translation>
    </message>
</context>
<context>
    <name>KeyMenu</name>
    <message>
        <source>Open details</source>
        <extracomment>Several keys at once (disable, enable, revoke, expiry, a note), dry run first.</extracomment>
        <translation>Details öffnen</translation>
    </message>
    <message>
        <source>Copy key id</source>
        <translation>Schlüssel-ID kopieren</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Rotate…</source>
        <translation>Rotieren …</translation>
    </message>
    <message>
        <source>A revoked key cannot be rotated; create a new key instead</source>
        <translation>Ein widerrufener Schlüssel kann nicht rotiert werden; erstellen Sie stattdessen einen neuen</translation>
    </message>
    <message>
        <source>Already rotated: rotate the key that replaces it instead</source>
        <translation>Bereits rotiert: rotieren Sie stattdessen den Schlüssel, der ihn ersetzt</translation>
    </message>
    <message>
        <source>Revoke %n key…</source>
        <translation>%n Schlüssel widerrufen …</translation>
    </message>
    <message>
        <source>Revoke %n keys…</source>
        <translation>%n Schlüssel widerrufen …</translation>
    </message>
    <message>
        <source>Revoke…</source>
        <translation>Widerrufen …</translation>
    </message>
    <message>
        <source>Change %n key…</source>
        <translation>%n Schlüssel ändern …</translation>
    </message>
    <message>
        <source>Change %n keys…</source>
        <translation>%n Schlüssel ändern …</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
</context>
<context>
    <name>KeysModel</name>
    <message>
        <source>Click to sort by %1</source>
        <extracomment>Per-row controls (toggle, revoke, delete) painted by KeyActionsDelegate. Optional, hidden until the user shows it. Last in the model so that headers saved before it existed still restore; the view shows it before Actions. The header&apos;s text (untranslated source; translated in the &quot;KeysModel&quot; context). The cell&apos;s text for a key, at ``now`` (relative times). The cell&apos;s tooltip for a key, at ``now``. What the server sorts by for this column (None: not sortable). A first click on the header sorts this way (newest first for times). The widest text the column usually holds (None: the view sizes it its own way). The default width also fits the translated header with its sort arrow, if that is wider. The cell reads as secondary (placeholder colour) for this key. Drawn in the fixed-width font (a masked key). The header&apos;s tooltip (untranslated source); None: &quot;Click to sort by &lt;header&gt;&quot;. A small icon before the text for this key (an icon name), or None. Hidden until the user shows it (the header&apos;s context menu). The header&apos;s context menu may hide it (Name and Actions always stay). In a table too narrow for every column: columns narrow in this order, lowest first (their cells elide), down to ``min_width`` or the width their header needs, then step aside in the same order. None: the column keeps its width and its place (Status&apos;s badge, the Actions), so a key&apos;s name, status and controls stay on screen down to 800×600. Narrows when its turn comes but never steps aside (Name). The narrowest it gets when giving way (0: the header&apos;s minimum section size).</extracomment>
        <translation>Klicken, um nach „%1“ zu sortieren</translation>
    </message>
    <message>
        <source>%1 (deactivated)</source>
        <translation>%1 (deaktiviert)</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Never used</source>
        <translation>Nie verwendet</translation>
    </message>
    <message>
        <source>(frozen when the key was revoked)</source>
        <translation>(beim Widerruf des Schlüssels eingefroren)</translation>
    </message>
    <message>
        <source>Never expires</source>
        <translation>Läuft nie ab</translation>
    </message>
    <message>
        <source>Works until %1 (%2)</source>
        <translation>Gilt bis %1 (%2)</translation>
    </message>
    <message>
        <source>Revoked %1</source>
        <translation>Widerrufen am %1</translation>
    </message>
    <message>
        <source>Expired: verifications are refused</source>
        <translation>Abgelaufen: Prüfungen werden abgewiesen</translation>
    </message>
    <message>
        <source>Disabled: verifications are refused until it is enabled again</source>
        <translation>Deaktiviert: Prüfungen werden abgewiesen, bis er wieder aktiviert wird</translation>
    </message>
    <message>
        <source>Active: integrations can use this key</source>
        <translation>Aktiv: Integrationen können diesen Schlüssel verwenden</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>No description</source>
        <translation>Keine Beschreibung</translation>
    </message>
    <message>
        <source>%1 at %2 (%3)</source>
        <translation>%1 um %2 (%3)</translation>
    </message>
    <message>
        <source>Replaces %1</source>
        <translation>Ersetzt %1</translation>
    </message>
    <message>
        <source>Replaced by %1; stops on %2</source>
        <translation>Ersetzt durch %1; endet am %2</translation>
    </message>
    <message>
        <source>Replaced by %1</source>
        <translation>Ersetzt durch %1</translation>
    </message>
    <message>
        <source>stops in %1</source>
        <translation>endet in %1</translation>
    </message>
    <message>
        <source>Rotated: the grace period ends on %1, then the key stops working</source>
        <translation>Rotiert: Die Übergangszeit endet am %1, dann funktioniert der Schlüssel nicht mehr</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Key id %1 · environment %2</source>
        <translation>Schlüssel-ID %1 · Umgebung %2</translation>
    </message>
    <message>
        <source>The key&apos;s public id and last four characters. The secret itself is never stored, so it cannot be shown again.</source>
        <translation>Die öffentliche ID des Schlüssels und seine letzten vier Zeichen. Das Geheimnis selbst wird nie gespeichert und kann daher nicht erneut angezeigt werden.</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last Used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Created On</source>
        <translation>Erstellt am</translation>
    </message>
    <message>
        <source>%1 by %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Last Updated On</source>
        <translation>Zuletzt geändert am</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>Enable or disable, revoke or delete the key in its row. From the keyboard: the context menu (Menu key) and Delete.</source>
        <translation>Den Schlüssel in seiner Zeile aktivieren oder deaktivieren, widerrufen oder löschen. Per Tastatur: Kontextmenü (Menütaste) und Entf.</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>What the key is for (right-click a column header to hide it)</source>
        <translation>Wofür der Schlüssel ist (Rechtsklick auf einen Spaltenkopf blendet sie aus)</translation>
    </message>
    <message>
        <source>%1 (replaced by a rotation)</source>
        <extracomment>The KeyDTO behind a row. The row&apos;s KeyStatus (drawn as a badge by the status delegate). Roles a changed key can affect; views repaint exactly these. The invisible root: a table&apos;s rows have no other parent. The columns whose text depends on the time now (relative times), side by side. Drawn in the placeholder colour (a revoked key, a key never used …). A query&apos;s first page arrived and replaced the rows. True while a query&apos;s first page is on its way. The number of keys matching the query (None while counting or after a failure). Loading failed (the exception); the current rows stay as they were. key id → (the KeyDTO the cells were made from, how its cells read)</extracomment>
        <translation>%1 (durch eine Rotation ersetzt)</translation>
    </message>
    <message>
        <source>Actions: Delete</source>
        <translation>Aktionen: Löschen</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Actions: %1, Revoke, Delete</source>
        <translation>Aktionen: %1, Widerrufen, Löschen</translation>
    </message>
    <message>
        <source>Use the context menu (Menu key) or Delete to act from the keyboard</source>
        <translation>Per Tastatur: Kontextmenü (Menütaste) oder Entf</translation>
    </message>
</context>
<context>
    <name>KeysScreen</name>
    <message>
        <source>Unsaved changes</source>
        <extracomment>While keys keep changing, the summary (a count over every key) is asked for again at most this long after the last answer. The jobs the first page does not need (the filters&apos; choices; the window&apos;s reminders) start this long after it arrived. Started beside it, they took the GIL from the GUI thread while it built and showed the console: stalls of 50-80 ms at 1,000,000 keys. A short confirmation for the status bar (&quot;Deleted “Billing”&quot;). A failure for the window&apos;s error handling (banner, Retry, bug report). A query&apos;s first page arrived (the database answers again). &quot;Show in audit log&quot; from a key&apos;s history in the detail panel: the key&apos;s id. Down from the search field arrived before its results: select their first row. The detail panel, built the first time a key is shown in it (``panel``). What waits for the first page (``after_first_page``); None once it is shown.</extracomment>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>Discard your changes to “%1”?</source>
        <translation>Ihre Änderungen an „%1“ verwerfen?</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Änderungen verwerfen</translation>
    </message>
    <message>
        <source>Keep editing to save them first.</source>
        <translation>Bearbeiten Sie weiter, um sie zuerst zu speichern.</translation>
    </message>
    <message>
        <source>Created “%1”</source>
        <translation>„%1“ erstellt</translation>
    </message>
    <message>
        <source>Nothing to revoke: the selected keys are already revoked or not yours to change.</source>
        <translation>Nichts zu widerrufen: Die ausgewählten Schlüssel sind bereits widerrufen oder Sie dürfen sie nicht ändern.</translation>
    </message>
    <message>
        <source>Revoked “%1”</source>
        <translation>„%1“ widerrufen</translation>
    </message>
    <message>
        <source>Revoked %1 keys</source>
        <translation>%1 Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Deleted “%1”; the audit trail keeps a record.</source>
        <translation>„%1“ gelöscht; das Prüfprotokoll behält einen Eintrag.</translation>
    </message>
    <message>
        <source>Copied the key id %1</source>
        <translation>Schlüssel-ID %1 kopiert</translation>
    </message>
    <message>
        <source>Rotated “%1”: store the new secret now</source>
        <translation>„%1“ rotiert: Speichern Sie jetzt das neue Geheimnis</translation>
    </message>
    <message>
        <source>“%1” is not in the list as filtered; shown in the details</source>
        <translation>„%1“ ist in der gefilterten Liste nicht enthalten; in den Details angezeigt</translation>
    </message>
    <message>
        <source>Exported %1 keys to %2</source>
        <translation>%1 Schlüssel nach %2 exportiert</translation>
    </message>
    <message>
        <source>Exported %1 key to %2</source>
        <translation>%1 Schlüssel nach %2 exportiert</translation>
    </message>
    <message>
        <source>Export cancelled after %1 of %2 keys; no file was written.</source>
        <translation>Export nach %1 von %2 Schlüsseln abgebrochen; es wurde keine Datei geschrieben.</translation>
    </message>
    <message>
        <source>Exporting keys</source>
        <translation>Schlüssel werden exportiert</translation>
    </message>
    <message>
        <source>Writing %1…</source>
        <translation>%1 wird geschrieben …</translation>
    </message>
    <message>
        <source>Checking your role…</source>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>Create a key and see its secret once (Ctrl+N)</source>
        <translation>Einen Schlüssel erstellen und sein Geheimnis einmal sehen (Strg+N)</translation>
    </message>
    <message>
        <source>The past view is read-only: back to today to create keys</source>
        <translation>Die Vergangenheitsansicht ist schreibgeschützt: zurück zu heute, um Schlüssel zu erstellen</translation>
    </message>
    <message>
        <source>The past view was cancelled.</source>
        <translation>Die Vergangenheitsansicht wurde abgebrochen.</translation>
    </message>
</context>
<context>
    <name>KeysTable</name>
    <message>
        <source>API keys</source>
        <extracomment>A masked key as wide as they come (prefix and environment labels vary). Rows were only appended below the last visible one since the last layout.</extracomment>
        <translation>API-Schlüssel</translation>
    </message>
</context>
<context>
    <name>KeysToolbar</name>
    <message>
        <source>Owner filter</source>
        <extracomment>Typing pauses shorter than this are one search, not one per keystroke. The platform&apos;s own file dialog where there is one; tests drive Qt&apos;s (set it False). The count&apos;s least width (a longer count widens it: it is never cut short). The (trimmed) search text to apply, after a typing pause or Enter. The status to show (a KeyStatus), or None for all. The owner (a login) whose keys to show, or None for everyone&apos;s. The environment label to show, or None for all. The user chose where to export the current view: (path, &quot;csv&quot; or &quot;json&quot;). Down in the search field: move into the results (the search is applied first).</extracomment>
        <translation>Besitzerfilter</translation>
    </message>
    <message>
        <source>Any owner</source>
        <translation>Jeder Besitzer</translation>
    </message>
    <message>
        <source>Show the keys of this person only</source>
        <translation>Nur die Schlüssel dieser Person anzeigen</translation>
    </message>
    <message>
        <source>Environment filter</source>
        <translation>Umgebungsfilter</translation>
    </message>
    <message>
        <source>Any environment</source>
        <translation>Jede Umgebung</translation>
    </message>
    <message>
        <source>Show keys of this environment only</source>
        <translation>Nur Schlüssel dieser Umgebung anzeigen</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>Wird gezählt …</translation>
    </message>
    <message>
        <source>Matching keys</source>
        <translation>Passende Schlüssel</translation>
    </message>
    <message>
        <source>Reload the list (F5)</source>
        <translation>Liste neu laden (F5)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Create API Key</source>
        <translation>API-Schlüssel erstellen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Export the keys shown (filters, search and sort) as CSV or JSON</source>
        <translation>Die angezeigten Schlüssel (Filter, Suche und Sortierung) als CSV oder JSON exportieren</translation>
    </message>
    <message>
        <source>Export keys</source>
        <translation>Schlüssel exportieren</translation>
    </message>
    <message>
        <source>Search keys</source>
        <extracomment>&quot;As of&quot; a past date: the keys screen shows them read-only (issue 8).</extracomment>
        <translation>Schlüssel suchen</translation>
    </message>
    <message>
        <source>Search name, description, owner or key id</source>
        <translation>Name, Beschreibung, Besitzer oder Schlüssel-ID suchen</translation>
    </message>
    <message>
        <source>Search as you type (Ctrl+F)</source>
        <translation>Sucht während der Eingabe (Strg+F)</translation>
    </message>
    <message>
        <source>Status filter</source>
        <translation>Statusfilter</translation>
    </message>
    <message>
        <source>Show keys with this status only</source>
        <translation>Nur Schlüssel mit diesem Status zeigen</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>Alle Status</translation>
    </message>
    <message>
        <source>CSV spreadsheet (*.csv)</source>
        <translation>CSV-Tabelle (*.csv)</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Suche läuft …</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>%1 matching keys</source>
        <translation>%1 passende Schlüssel</translation>
    </message>
    <message>
        <source>%1 matching key</source>
        <translation>%1 passender Schlüssel</translation>
    </message>
    <message>
        <source>%1 keys</source>
        <translation>%1 Schlüssel</translation>
    </message>
    <message>
        <source>%1 key</source>
        <translation>%1 Schlüssel</translation>
    </message>
    <message>
        <source>Not loaded</source>
        <translation>Nicht geladen</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Auditor</source>
        <translation>Prüfer</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Verwalter</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Admin</translation>
    </message>
    <message>
        <source>Verifier</source>
        <translation>Verifizierer</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Edited</source>
        <translation>Bearbeitet</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Aktiviert</translation>
    </message>
    <message>
        <source>Deleted</source>
        <translation>Gelöscht</translation>
    </message>
    <message>
        <source>Expiry changed</source>
        <translation>Ablauf geändert</translation>
    </message>
    <message>
        <source>User added</source>
        <translation>Benutzer hinzugefügt</translation>
    </message>
    <message>
        <source>Role changed</source>
        <translation>Rolle geändert</translation>
    </message>
    <message>
        <source>User deactivated</source>
        <translation>Benutzer deaktiviert</translation>
    </message>
    <message>
        <source>User reactivated</source>
        <translation>Benutzer reaktiviert</translation>
    </message>
    <message>
        <source>Policy changed</source>
        <translation>Richtlinie geändert</translation>
    </message>
    <message>
        <source>Chain re-anchored</source>
        <translation>Kette neu verankert</translation>
    </message>
    <message>
        <source>Signing key registered</source>
        <translation>Signaturschlüssel registriert</translation>
    </message>
    <message>
        <source>Checkpoint signed</source>
        <translation>Kontrollpunkt signiert</translation>
    </message>
    <message>
        <source>Access review started</source>
        <translation>Zugriffsüberprüfung gestartet</translation>
    </message>
    <message>
        <source>Access review answered</source>
        <translation>Zugriffsüberprüfung beantwortet</translation>
    </message>
    <message>
        <source>Access review closed</source>
        <translation>Zugriffsüberprüfung abgeschlossen</translation>
    </message>
    <message>
        <source>name</source>
        <extracomment>A key&apos;s fields as an audit event&apos;s changes name them (``app.services.keys.snapshot``).</extracomment>
        <translation>Name</translation>
    </message>
    <message>
        <source>description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>state</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>revoked</source>
        <translation>Widerrufen am</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>stored text (not a snapshot)</source>
        <translation>gespeicherter Text (kein Abbild)</translation>
    </message>
    <message>
        <source>owner deactivated</source>
        <extracomment>The reasons the services write themselves (a person&apos;s own reason stays as typed).</extracomment>
        <translation>Besitzer deaktiviert</translation>
    </message>
    <message>
        <source>replaced under the active-key limit</source>
        <translation>ersetzt wegen der Höchstzahl aktiver Schlüssel</translation>
    </message>
</context>
<context>
    <name>LeakTriageDialog</name>
    <message>
        <source>Key id</source>
        <extracomment>A pause in typing or pasting longer than this starts a search. The reason recorded in the audit trail for every key revoked here. The TriageMatch behind a row. The key&apos;s KeyStatus (drawn as a badge), None for an id that is not a key here.</extracomment>
        <translation>Schlüssel-ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Secret matches</source>
        <translation>Geheimnis passt</translation>
    </message>
    <message>
        <source>Found as</source>
        <translation>Gefunden als</translation>
    </message>
    <message>
        <source>Whether the secret in the pasted token is this key&apos;s real secret</source>
        <translation>Ob das Geheimnis im eingefügten Token das echte Geheimnis dieses Schlüssels ist</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Token</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <source>Not a key in this database</source>
        <translation>Kein Schlüssel dieser Datenbank</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>A bare key id: there is no secret to check</source>
        <translation>Eine bloße Schlüssel-ID: Es gibt kein Geheimnis zu prüfen</translation>
    </message>
    <message>
        <source>Not a key in this database: there is no secret to check</source>
        <translation>Kein Schlüssel dieser Datenbank: Es gibt kein Geheimnis zu prüfen</translation>
    </message>
    <message>
        <source>The pasted token is this key&apos;s real token: it has leaked</source>
        <translation>Das eingefügte Token ist das echte Token dieses Schlüssels: Es ist durchgesickert</translation>
    </message>
    <message>
        <source>The id is this key&apos;s, but the secret is not: a wrong or altered token</source>
        <translation>Die ID gehört zu diesem Schlüssel, das Geheimnis nicht: ein falsches oder verändertes Token</translation>
    </message>
    <message>
        <source>Find Leaked Keys</source>
        <extracomment>Keys revoked from here (fresh DTOs), after KeyOperations announced them.</extracomment>
        <translation>Durchgesickerte Schlüssel finden</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Which of our keys does this text contain?</source>
        <translation>Welche unserer Schlüssel enthält dieser Text?</translation>
    </message>
    <message>
        <source>Paste text that may hold API keys. Keyward finds its tokens (and bare key ids), checks whether each secret is real without recording a use, and lets you revoke the keys found. The text is never saved or logged, and it is cleared when this window closes.</source>
        <translation>Fügen Sie Text ein, der API-Schlüssel enthalten könnte. Keyward findet seine Tokens (und bloße Schlüssel-IDs), prüft, ob jedes Geheimnis echt ist, ohne eine Verwendung zu zählen, und lässt Sie die gefundenen Schlüssel widerrufen. Der Text wird nie gespeichert oder protokolliert und beim Schließen dieses Fensters gelöscht.</translation>
    </message>
    <message>
        <source>Text to search</source>
        <translation>Zu durchsuchender Text</translation>
    </message>
    <message>
        <source>Paste a log excerpt, chat message or config file…</source>
        <translation>Log-Auszug, Chatnachricht oder Konfigurationsdatei einfügen …</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Search the text now (Ctrl+Enter)</source>
        <translation>Den Text jetzt durchsuchen (Strg+Eingabe)</translation>
    </message>
    <message>
        <source>Searching</source>
        <translation>Suche läuft</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Paste text above; the search starts by itself.</source>
        <translation>Fügen Sie oben Text ein; die Suche beginnt von selbst.</translation>
    </message>
    <message>
        <source>Keys found</source>
        <translation>Gefundene Schlüssel</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Dialogschaltflächen</translation>
    </message>
    <message>
        <source>Revoke selected…</source>
        <translation>Auswahl widerrufen …</translation>
    </message>
    <message>
        <source>Revoke selected</source>
        <translation>Auswahl widerrufen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Checking your role…</source>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>%1: ask a manager or an admin to revoke the keys found.</source>
        <translation>%1: Bitten Sie einen Verwalter oder Admin, die gefundenen Schlüssel zu widerrufen.</translation>
    </message>
    <message>
        <source>Revoke the selected key with the reason “leaked”</source>
        <translation>Den ausgewählten Schlüssel mit dem Grund „leaked“ widerrufen</translation>
    </message>
    <message>
        <source>Revoke the %n selected keys with the reason “leaked”</source>
        <translation>Die %n ausgewählten Schlüssel mit dem Grund „leaked“ widerrufen</translation>
    </message>
    <message>
        <source>Select keys of yours that are not revoked yet</source>
        <translation>Wählen Sie eigene Schlüssel, die noch nicht widerrufen sind</translation>
    </message>
    <message>
        <source>Select keys that are not revoked yet</source>
        <translation>Wählen Sie Schlüssel, die noch nicht widerrufen sind</translation>
    </message>
    <message>
        <source>%1 and %2 more</source>
        <translation>%1 und %2 weitere</translation>
    </message>
    <message>
        <source>Revoke %1 now?</source>
        <translation>%1 jetzt widerrufen?</translation>
    </message>
    <message>
        <source>Revoke these %n keys now: %1?</source>
        <translation>Diese %n Schlüssel jetzt widerrufen: %1?</translation>
    </message>
    <message>
        <source>Revoke leaked keys</source>
        <translation>Durchgesickerte Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Revoke %n keys</source>
        <translation>%n Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>The reason “leaked” is recorded in the audit trail. Integrations using it stop working at once, and a revoked key cannot be enabled again.</source>
        <translation>Der Grund „leaked“ wird im Prüfprotokoll festgehalten. Integrationen, die ihn verwenden, funktionieren sofort nicht mehr, und ein widerrufener Schlüssel kann nicht wieder aktiviert werden.</translation>
    </message>
    <message>
        <source>The reason “leaked” is recorded in the audit trail. Integrations using them stop working at once, and a revoked key cannot be enabled again.</source>
        <translation>Der Grund „leaked“ wird im Prüfprotokoll festgehalten. Integrationen, die sie verwenden, funktionieren sofort nicht mehr, und ein widerrufener Schlüssel kann nicht wieder aktiviert werden.</translation>
    </message>
    <message>
        <source>Revoked “%1” with the reason “leaked”.</source>
        <translation>„%1“ mit dem Grund „leaked“ widerrufen.</translation>
    </message>
    <message>
        <source>Revoked %1 keys with the reason “leaked”.</source>
        <translation>%1 Schlüssel mit dem Grund „leaked“ widerrufen.</translation>
    </message>
    <message>
        <source>One of these keys is being changed elsewhere; try again in a moment.</source>
        <translation>Einer dieser Schlüssel wird gerade anderswo geändert; versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>No Keyward tokens or key ids in this text.</source>
        <translation>Keine Keyward-Tokens oder Schlüssel-IDs in diesem Text.</translation>
    </message>
    <message>
        <source>%n Keyward token</source>
        <translation>%n Keyward-Token</translation>
    </message>
    <message>
        <source>%n Keyward tokens</source>
        <translation>%n Keyward-Tokens</translation>
    </message>
    <message>
        <source>%n bare key id</source>
        <translation>%n bloße Schlüssel-ID</translation>
    </message>
    <message>
        <source>%n bare key ids</source>
        <translation>%n bloße Schlüssel-IDs</translation>
    </message>
    <message>
        <source>%n real secret (leaked)</source>
        <translation>%n echtes Geheimnis (durchgesickert)</translation>
    </message>
    <message>
        <source>%n real secrets (leaked)</source>
        <translation>%n echte Geheimnisse (durchgesickert)</translation>
    </message>
    <message>
        <source>%n wrong secret</source>
        <translation>%n falsches Geheimnis</translation>
    </message>
    <message>
        <source>%n wrong secrets</source>
        <translation>%n falsche Geheimnisse</translation>
    </message>
    <message>
        <source>%n not a key here</source>
        <translation>%n kein Schlüssel hier</translation>
    </message>
    <message>
        <source>%n not keys here</source>
        <translation>%n keine Schlüssel hier</translation>
    </message>
    <message>
        <source>%n already revoked</source>
        <translation>%n bereits widerrufen</translation>
    </message>
    <message>
        <source>%1 and %2</source>
        <translation>%1 und %2</translation>
    </message>
    <message>
        <source>Found %1.</source>
        <translation>Gefunden: %1.</translation>
    </message>
    <message>
        <source>Found %1: %2.</source>
        <translation>Gefunden: %1 – %2.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Keyward</source>
        <extracomment>Below this window width the side bar shows its icons only. A window not painted this long after its first page (never shown) builds its other pages anyway (ms). The window closed for good (settings saved, background work dropped). The operator (login and role) is known and the controls follow the role.</extracomment>
        <translation>Keyward</translation>
    </message>
    <message>
        <source>Keyward — %1</source>
        <extracomment>The workspace to open once the operator&apos;s role is known (remembered from last run).</extracomment>
        <translation>Keyward – %1</translation>
    </message>
    <message>
        <source>Needs attention</source>
        <translation>Handlungsbedarf</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>Überprüfungen</translation>
    </message>
    <message>
        <source>Reminder</source>
        <translation>Erinnerung</translation>
    </message>
    <message>
        <source>&amp;Create API Key…</source>
        <translation>API-Schlüssel &amp;erstellen …</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>&amp;Find…</source>
        <translation>&amp;Suchen …</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Keyward &amp;Help</source>
        <translation>Keyward-&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Keyward</source>
        <translation>Ü&amp;ber Keyward</translation>
    </message>
    <message>
        <source>&amp;Keys</source>
        <translation>&amp;Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>The database this console is connected to</source>
        <translation>Die Datenbank, mit der diese Konsole verbunden ist</translation>
    </message>
    <message>
        <source>Signed in as</source>
        <translation>Angemeldet als</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Connected to the database again</source>
        <translation>Wieder mit der Datenbank verbunden</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Signed in as %1 (%2)</source>
        <translation>Angemeldet als %1 (%2)</translation>
    </message>
    <message>
        <source>About Keyward</source>
        <translation>Über Keyward</translation>
    </message>
    <message>
        <source>&lt;b&gt;Keyward %1&lt;/b&gt;</source>
        <translation>&lt;b&gt;Keyward %1&lt;/b&gt;</translation>
    </message>
    <message>
        <source>Create, store, manage and audit the API keys your integrations use.</source>
        <translation>Erstellen, verwahren, verwalten und prüfen Sie die API-Schlüssel Ihrer Integrationen.</translation>
    </message>
    <message>
        <source>Database: %1</source>
        <translation>Datenbank: %1</translation>
    </message>
    <message>
        <source>Qt %1 · PySide6 %2 · Python %3</source>
        <translation>Qt %1 · PySide6 %2 · Python %3</translation>
    </message>
    <message>
        <source>&lt;a href=&quot;%1&quot;&gt;Documentation&lt;/a&gt; (F1)</source>
        <translation>&lt;a href=&quot;%1&quot;&gt;Dokumentation&lt;/a&gt; (F1)</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>Discard your changes to “%1” and quit?</source>
        <translation>Ihre Änderungen an „%1“ verwerfen und beenden?</translation>
    </message>
    <message>
        <source>Discard and quit</source>
        <translation>Verwerfen und beenden</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Find &amp;Leaked Keys…</source>
        <translation>&amp;Durchgesickerte Schlüssel finden …</translation>
    </message>
    <message>
        <source>Finding leaked keys is not available in this version.</source>
        <translation>Das Finden durchgesickerter Schlüssel ist in dieser Version nicht verfügbar.</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Paste text (a log, a chat message) and find the Keyward keys in it</source>
        <translation>Text einfügen (ein Log, eine Chatnachricht) und die Keyward-Schlüssel darin finden</translation>
    </message>
    <message>
        <source>People</source>
        <translation>Personen</translation>
    </message>
    <message>
        <source>Policy</source>
        <translation>Richtlinie</translation>
    </message>
</context>
<context>
    <name>NavBar</name>
    <message>
        <source>Workspaces</source>
        <translation>Arbeitsbereiche</translation>
    </message>
</context>
<context>
    <name>PageHeader</name>
    <message>
        <source>API Keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>The keys your integrations use: who owns them, what they are for, when they were last used.</source>
        <translation>Die Schlüssel Ihrer Integrationen: wem sie gehören, wofür sie da sind, wann sie zuletzt verwendet wurden.</translation>
    </message>
    <message>
        <source>Active keys</source>
        <translation>Aktive Schlüssel</translation>
    </message>
    <message>
        <source>Verifications (30 days)</source>
        <translation>Prüfungen (30 Tage)</translation>
    </message>
    <message>
        <source>Keys that integrations can use right now</source>
        <translation>Schlüssel, die Integrationen gerade verwenden können</translation>
    </message>
    <message>
        <source>Successful verifications of the keys you can see, last 30 days</source>
        <translation>Erfolgreiche Prüfungen der für Sie sichtbaren Schlüssel, letzte 30 Tage</translation>
    </message>
    <message>
        <source>Not loaded: the keys could not be read</source>
        <translation>Nicht geladen: die Schlüssel konnten nicht gelesen werden</translation>
    </message>
</context>
<context>
    <name>PastKeysView</name>
    <message>
        <source>Past view</source>
        <translation>Vergangenheitsansicht</translation>
    </message>
    <message>
        <source>Keys as of a past date</source>
        <translation>Schlüssel zu einem früheren Datum</translation>
    </message>
    <message>
        <source>%1 of %2 keys then</source>
        <translation>%1 von damals %2 Schlüsseln</translation>
    </message>
    <message>
        <source>%1 key then</source>
        <translation>damals %1 Schlüssel</translation>
    </message>
    <message>
        <source>%1 keys then</source>
        <translation>damals %1 Schlüssel</translation>
    </message>
    <message>
        <source>Rebuilding the keys as of %1 from the audit trail…</source>
        <translation>Die Schlüssel mit Stand %1 werden aus dem Prüfprotokoll rekonstruiert …</translation>
    </message>
    <message>
        <source>Past view: keys as of %1 — read-only</source>
        <translation>Vergangenheitsansicht: Schlüssel mit Stand %1 – nur lesen</translation>
    </message>
    <message>
        <source>Back to today</source>
        <translation>Zurück zu heute</translation>
    </message>
    <message>
        <source>The keys that existed when %1 began (%2), before anything done that day, with their names, owners, statuses and expiry dates as they were then, rebuilt from the audit trail.</source>
        <translation>Die Schlüssel, die zu Beginn des %1 (%2) existierten, vor allem an diesem Tag Geschehenen, mit Namen, Besitzern, Status und Ablaufdaten wie damals, aus dem Prüfprotokoll rekonstruiert.</translation>
    </message>
</context>
<context>
    <name>PeopleModel</name>
    <message>
        <source>Login</source>
        <extracomment>The PersonRow behind a row. What the proxy sorts by (numbers and moments, not their text). True for an active user (the status column draws it as a badge). Roles a changed person can affect; views repaint exactly these.</extracomment>
        <translation>Anmeldename</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Active keys</source>
        <translation>Aktive Schlüssel</translation>
    </message>
    <message>
        <source>Last activity</source>
        <translation>Zuletzt aktiv</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Deactivated %1</source>
        <translation>Deaktiviert am %1</translation>
    </message>
    <message>
        <source>No key of theirs has been used, and they have changed nothing yet.</source>
        <translation>Keiner ihrer Schlüssel wurde verwendet, und die Person hat noch nichts geändert.</translation>
    </message>
</context>
<context>
    <name>PeopleScreen</name>
    <message>
        <source>People</source>
        <extracomment>How many of a person&apos;s keys the detail area lists (newest first). Key changes arrive in bursts (a deactivation revokes many); refresh once after them. The detail panel&apos;s least width, and its share of a window too narrow for both at their usual widths (until the user drags the divider): the table keeps room for its first columns. Where the columns&apos; contents are wider than the table, Email and then Name elide down to these widths before the table scrolls sideways; in a narrow window Login, Name, Role and Status stay in sight (the panel shows the selected person&apos;s email, keys and activity). A short confirmation for the status bar. A failure nobody on this screen could explain (for the window&apos;s error handling). An overview arrived. The selected person&apos;s keys arrived.</extracomment>
        <translation>Personen</translation>
    </message>
    <message>
        <source>Who may use Keyward and in which role. Deactivating someone revokes their keys; Replace key restores an integration under an active person.</source>
        <translation>Wer Keyward in welcher Rolle verwenden darf. Eine Deaktivierung widerruft die Schlüssel der Person; „Schlüssel ersetzen“ stellt eine Integration unter einer aktiven Person wieder her.</translation>
    </message>
    <message>
        <source>Add person…</source>
        <translation>Person hinzufügen …</translation>
    </message>
    <message>
        <source>Add person</source>
        <translation>Person hinzufügen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refresh the list of people</source>
        <translation>Liste der Personen aktualisieren</translation>
    </message>
    <message>
        <source>Number of people</source>
        <translation>Anzahl der Personen</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Person</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>&amp;Role</source>
        <translation>&amp;Rolle</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rolle</translation>
    </message>
    <message>
        <source>Role change refused</source>
        <translation>Rollenänderung abgelehnt</translation>
    </message>
    <message>
        <source>Deactivate…</source>
        <translation>Deaktivieren …</translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Reactivate…</source>
        <translation>Reaktivieren …</translation>
    </message>
    <message>
        <source>Reactivate</source>
        <translation>Reaktivieren</translation>
    </message>
    <message>
        <source>Their keys</source>
        <translation>Ihre Schlüssel</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Replaced by</source>
        <translation>Ersetzt durch</translation>
    </message>
    <message>
        <source>Replace key…</source>
        <translation>Schlüssel ersetzen …</translation>
    </message>
    <message>
        <source>Replace key</source>
        <translation>Schlüssel ersetzen</translation>
    </message>
    <message>
        <source>For a revoked key whose integration must keep working: a new key under an active person, with the old key&apos;s name and a description that records what it replaces. The secret is shown once.</source>
        <translation>Für einen widerrufenen Schlüssel, dessen Integration weiterlaufen muss: ein neuer Schlüssel unter einer aktiven Person, mit dem Namen des alten und einer Beschreibung, die festhält, was er ersetzt. Das Geheimnis wird einmal angezeigt.</translation>
    </message>
    <message>
        <source>1 person</source>
        <translation>1 Person</translation>
    </message>
    <message numerus="yes">
        <source>%n people</source>
        <translation>
            <numerusform>%n Person</numerusform>
            <numerusform>%n Personen</numerusform>
        </translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>No one selected</source>
        <translation>Niemand ausgewählt</translation>
    </message>
    <message>
        <source>Select a person to see their role and keys.</source>
        <translation>Wählen Sie eine Person aus, um ihre Rolle und Schlüssel zu sehen.</translation>
    </message>
    <message>
        <source>last active %1</source>
        <translation>zuletzt aktiv %1</translation>
    </message>
    <message>
        <source>Deactivated %1. Their keys were revoked; reactivating does not bring them back. Replace a key below to restore an integration.</source>
        <translation>Deaktiviert am %1. Die Schlüssel der Person wurden widerrufen; eine Reaktivierung bringt sie nicht zurück. Ersetzen Sie unten einen Schlüssel, um eine Integration wiederherzustellen.</translation>
    </message>
    <message>
        <source>Loading their keys…</source>
        <translation>Schlüssel werden geladen …</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>They own no keys.</source>
        <translation>Die Person besitzt keine Schlüssel.</translation>
    </message>
    <message>
        <source>1 revoked key can be replaced.</source>
        <translation>1 widerrufener Schlüssel kann ersetzt werden.</translation>
    </message>
    <message numerus="yes">
        <source>%n revoked keys can be replaced.</source>
        <translation>
            <numerusform>%n widerrufener Schlüssel kann ersetzt werden.</numerusform>
            <numerusform>%n widerrufene Schlüssel können ersetzt werden.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Revoked %1 %2</source>
        <translation>Widerrufen am %1 %2</translation>
    </message>
    <message>
        <source>Replaced by %1</source>
        <translation>Ersetzt durch %1</translation>
    </message>
    <message>
        <source>Checking your role…</source>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>Your role (%1) lets you see people but not change them; ask a Keyward admin.</source>
        <translation>Mit Ihrer Rolle (%1) sehen Sie Personen, können sie aber nicht ändern; wenden Sie sich an einen Keyward-Admin.</translation>
    </message>
    <message>
        <source>Your role (%1) shows only your own row; people are managed by admins.</source>
        <translation>Ihre Rolle (%1) zeigt nur Ihre eigene Zeile; Personen verwalten Admins.</translation>
    </message>
    <message>
        <source>Add a person and choose their role</source>
        <translation>Eine Person hinzufügen und ihre Rolle wählen</translation>
    </message>
    <message>
        <source>Select a person first.</source>
        <translation>Wählen Sie zuerst eine Person aus.</translation>
    </message>
    <message>
        <source>Already deactivated.</source>
        <translation>Bereits deaktiviert.</translation>
    </message>
    <message>
        <source>You cannot deactivate yourself; ask another admin.</source>
        <translation>Sie können sich nicht selbst deaktivieren; bitten Sie einen anderen Admin.</translation>
    </message>
    <message>
        <source>See which keys will be revoked, give a reason, then deactivate</source>
        <translation>Sehen, welche Schlüssel widerrufen werden, einen Grund angeben, dann deaktivieren</translation>
    </message>
    <message>
        <source>Only a deactivated person can be reactivated.</source>
        <translation>Nur eine deaktivierte Person kann reaktiviert werden.</translation>
    </message>
    <message>
        <source>Let them use Keyward again; their revoked keys stay revoked</source>
        <translation>Die Person darf Keyward wieder verwenden; ihre widerrufenen Schlüssel bleiben widerrufen</translation>
    </message>
    <message>
        <source>Your role (%1) does not allow creating keys for other people.</source>
        <translation>Ihre Rolle (%1) erlaubt nicht, Schlüssel für andere Personen zu erstellen.</translation>
    </message>
    <message>
        <source>Select a revoked key to replace it.</source>
        <translation>Wählen Sie einen widerrufenen Schlüssel aus, um ihn zu ersetzen.</translation>
    </message>
    <message>
        <source>Already replaced by %1.</source>
        <translation>Bereits ersetzt durch %1.</translation>
    </message>
    <message>
        <source>Only a revoked key is replaced here; rotate a working key instead.</source>
        <translation>Hier wird nur ein widerrufener Schlüssel ersetzt; rotieren Sie einen funktionierenden Schlüssel stattdessen.</translation>
    </message>
    <message>
        <source>Create a key under an active person in place of this one; the secret is shown once</source>
        <translation>Anstelle dieses Schlüssels einen unter einer aktiven Person erstellen; das Geheimnis wird einmal angezeigt</translation>
    </message>
    <message>
        <source>Added %1 as %2.</source>
        <translation>%1 als %2 hinzugefügt.</translation>
    </message>
    <message>
        <source>There is no database login “%1” yet; ask your database administrator to create it, then change the role once to grant it.</source>
        <translation>Es gibt noch kein Datenbank-Login „%1“; bitten Sie Ihre Datenbankadministration, es anzulegen, und ändern Sie danach einmal die Rolle, um sie zu gewähren.</translation>
    </message>
    <message>
        <source>Change role</source>
        <translation>Rolle ändern</translation>
    </message>
    <message>
        <source>Make %1 (%2) %3 instead of %4?</source>
        <translation>%1 (%2) zu %3 statt %4 machen?</translation>
    </message>
    <message>
        <source>Make %1</source>
        <translation>Zu %1 machen</translation>
    </message>
    <message>
        <source>%1 is now %2.</source>
        <translation>%1 ist jetzt %2.</translation>
    </message>
    <message>
        <source>Deactivated %1 and revoked 1 key.</source>
        <translation>%1 deaktiviert und 1 Schlüssel widerrufen.</translation>
    </message>
    <message numerus="yes">
        <source>Deactivated %1 and revoked %n keys.</source>
        <translation>
            <numerusform>%1 deaktiviert und %n Schlüssel widerrufen.</numerusform>
            <numerusform>%1 deaktiviert und %n Schlüssel widerrufen.</numerusform>
        </translation>
    </message>
    <message>
        <source>Reactivate %1 (%2)?</source>
        <translation>%1 (%2) reaktivieren?</translation>
    </message>
    <message>
        <source>They can use Keyward again. Their revoked keys stay revoked; they create new keys when they need them.</source>
        <translation>Die Person kann Keyward wieder verwenden. Ihre widerrufenen Schlüssel bleiben widerrufen; neue Schlüssel erstellt sie bei Bedarf.</translation>
    </message>
    <message>
        <source>Reactivated %1; their revoked keys stay revoked.</source>
        <translation>%1 reaktiviert; die widerrufenen Schlüssel bleiben widerrufen.</translation>
    </message>
    <message>
        <source>Created “%1” for %2 in place of the revoked key.</source>
        <translation>„%1“ für %2 anstelle des widerrufenen Schlüssels erstellt.</translation>
    </message>
</context>
<context>
    <name>PolicyPreviewDialog</name>
    <message>
        <source>Preview of the policy change</source>
        <extracomment>The stored policy after Apply.</extracomment>
        <translation>Vorschau der Richtlinienänderung</translation>
    </message>
    <message>
        <source>Check what this change does</source>
        <translation>Prüfen Sie, was diese Änderung bewirkt</translation>
    </message>
    <message>
        <source>Nothing is saved yet. Saving never revokes a key by itself: a person over a new limit keeps their keys until their next create, which asks first; keys beyond a new maximum lifetime keep their dates and are flagged.</source>
        <translation>Noch ist nichts gespeichert. Speichern widerruft nie von selbst einen Schlüssel: Wer über einem neuen Limit liegt, behält die Schlüssel bis zum nächsten Erstellen, das vorher fragt; Schlüssel über einer neuen Höchstlaufzeit behalten ihre Daten und werden markiert.</translation>
    </message>
    <message>
        <source>Problem saving the policy</source>
        <translation>Problem beim Speichern der Richtlinie</translation>
    </message>
    <message>
        <source>What changes, and whom it affects</source>
        <translation>Was sich ändert und wen es betrifft</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <source>Apply the policy</source>
        <translation>Richtlinie übernehmen</translation>
    </message>
</context>
<context>
    <name>PolicyScreen</name>
    <message>
        <source>Key policy</source>
        <extracomment>The form stays readable on a wide window: hints wrap at this width. A short confirmation for the status bar. A failure for the window&apos;s error handling. The stored policy arrived (after a refresh or an Apply). The policy was changed here (the new PolicyDTO). The dry run&apos;s answer is on screen (the preview dialog).</extracomment>
        <translation>Schlüsselrichtlinie</translation>
    </message>
    <message>
        <source>Preview and save…</source>
        <translation>Vorschau und speichern …</translation>
    </message>
    <message>
        <source>Preview and save the policy</source>
        <translation>Vorschau anzeigen und Richtlinie speichern</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Zurücksetzen</translation>
    </message>
    <message>
        <source>Show the stored policy again</source>
        <translation>Die gespeicherte Richtlinie wieder anzeigen</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>The rules every new key follows. Saving shows first whom a change affects; every change is recorded in the audit trail with its before and after.</source>
        <translation>Die Regeln, denen jeder neue Schlüssel folgt. Beim Speichern sehen Sie zuerst, wen eine Änderung betrifft; jede Änderung wird mit Vorher und Nachher im Prüfprotokoll festgehalten.</translation>
    </message>
    <message>
        <source>Keys per person and lifetime</source>
        <translation>Schlüssel pro Person und Laufzeit</translation>
    </message>
    <message>
        <source>Token format</source>
        <translation>Token-Format</translation>
    </message>
    <message>
        <source>Hygiene: stale and expiring keys</source>
        <translation>Hygiene: veraltete und ablaufende Schlüssel</translation>
    </message>
    <message>
        <source>Maximum &amp;active keys per person</source>
        <translation>Höchstzahl &amp;aktiver Schlüssel pro Person</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>unlimited</translation>
    </message>
    <message>
        <source>A number, or “unlimited” (recommended: one key per integration and environment). At the limit, creating a key revokes the owner&apos;s oldest active keys after a confirmation; lowering it revokes nothing by itself.</source>
        <translation>Eine Zahl oder „unlimited“ (empfohlen: ein Schlüssel pro Integration und Umgebung). Am Limit widerruft das Erstellen eines Schlüssels nach einer Bestätigung die ältesten aktiven Schlüssel des Besitzers; ein Senken widerruft von selbst nichts.</translation>
    </message>
    <message>
        <source>Maximum &amp;lifetime of new keys (days)</source>
        <translation>Höchst&amp;laufzeit neuer Schlüssel (Tage)</translation>
    </message>
    <message>
        <source>none</source>
        <translation>none</translation>
    </message>
    <message>
        <source>Days, e.g. 90, or “none”. With a maximum every new key needs an expiry date within it; existing keys keep theirs and are flagged.</source>
        <translation>Tage, z. B. 90, oder „none“. Mit einem Höchstwert braucht jeder neue Schlüssel ein Ablaufdatum innerhalb davon; bestehende Schlüssel behalten ihres und werden markiert.</translation>
    </message>
    <message>
        <source>Token &amp;prefix</source>
        <translation>Token-&amp;Präfix</translation>
    </message>
    <message>
        <source>The start of every new token (kw_live_…); leak scanners look for it. Existing tokens keep theirs.</source>
        <translation>Der Anfang jedes neuen Tokens (kw_live_ …); Leak-Scanner suchen danach. Bestehende Tokens behalten ihren.</translation>
    </message>
    <message>
        <source>&amp;Environments</source>
        <translation>&amp;Umgebungen</translation>
    </message>
    <message>
        <source>Labels a key can carry, separated by commas, e.g. live, test, dev.</source>
        <translation>Bezeichnungen, die ein Schlüssel tragen kann, durch Kommas getrennt, z. B. live, test, dev.</translation>
    </message>
    <message>
        <source>&amp;Stale after (days without use)</source>
        <translation>&amp;Veraltet nach (Tagen ohne Nutzung)</translation>
    </message>
    <message>
        <source>Keys unused this long are listed as stale (default 90).</source>
        <translation>So lange ungenutzte Schlüssel gelten als veraltet (Standard 90).</translation>
    </message>
    <message>
        <source>Expiry &amp;warnings (days ahead)</source>
        <translation>Ablauf&amp;warnungen (Tage vorher)</translation>
    </message>
    <message>
        <source>When a key counts as expiring soon, e.g. 30, 7, 1.</source>
        <translation>Ab wann ein Schlüssel als bald ablaufend gilt, z. B. 30, 7, 1.</translation>
    </message>
    <message>
        <source>%1 error</source>
        <translation>Fehler: %1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Nothing to save: the policy is as shown.</source>
        <translation>Nichts zu speichern: Die Richtlinie ist wie angezeigt.</translation>
    </message>
    <message>
        <source>Saved the key policy; the audit trail records each change.</source>
        <translation>Schlüsselrichtlinie gespeichert; das Prüfprotokoll hält jede Änderung fest.</translation>
    </message>
    <message>
        <source>Checking your role…</source>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>Your role (%1) lets you see the key policy but not change it; ask a Keyward admin.</source>
        <translation>Mit Ihrer Rolle (%1) sehen Sie die Schlüsselrichtlinie, können sie aber nicht ändern; wenden Sie sich an einen Keyward-Admin.</translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <source>Cancelling…</source>
        <extracomment>A job that ends sooner than this never shows its dialog. How often the dialog copies the newest figures from the job.</extracomment>
        <translation>Wird abgebrochen …</translation>
    </message>
</context>
<context>
    <name>Reminders</name>
    <message>
        <source>%n of your keys waits for your answer in an access review</source>
        <extracomment>How often an open window checks again.</extracomment>
        <translation>%n Ihrer Schlüssel wartet in einer Zugriffsüberprüfung auf Ihre Antwort</translation>
    </message>
    <message>
        <source>%n of your keys wait for your answer in an access review</source>
        <translation>%n Ihrer Schlüssel warten in einer Zugriffsüberprüfung auf Ihre Antwort</translation>
    </message>
    <message>
        <source>%n of your keys expires soon (%1)</source>
        <translation>%n Ihrer Schlüssel läuft bald ab (%1)</translation>
    </message>
    <message>
        <source>%n of your keys expire soon (first: %1)</source>
        <translation>%n Ihrer Schlüssel laufen bald ab (zuerst: %1)</translation>
    </message>
    <message>
        <source>Show</source>
        <extracomment>A notice to show (it differs from the one dismissed): (Notice, its sentence). Nothing waits on the operator any more: hide the notice.</extracomment>
        <translation>Anzeigen</translation>
    </message>
</context>
<context>
    <name>RevealSecretDialog</name>
    <message>
        <source>Text file (*.txt)</source>
        <extracomment>Friendly names of keyring backends, by the module keyring keeps them in.</extracomment>
        <translation>Textdatei (*.txt)</translation>
    </message>
    <message>
        <source>.env file (*.env)</source>
        <translation>.env-Datei (*.env)</translation>
    </message>
    <message>
        <source>Save the API key secret</source>
        <translation>Geheimnis des API-Schlüssels speichern</translation>
    </message>
    <message>
        <source>API Key Created Successfully</source>
        <extracomment>How the secret was stored: &quot;copy&quot;, &quot;download&quot;, &quot;keyring&quot;, &quot;elsewhere&quot;.</extracomment>
        <translation>API-Schlüssel erfolgreich erstellt</translation>
    </message>
    <message>
        <source>Shown once</source>
        <translation>Nur einmal sichtbar</translation>
    </message>
    <message>
        <source>Copy the secret now: it will only be shown once. If you lose it, you cannot retrieve it — create a new key.</source>
        <translation>Kopieren Sie das Geheimnis jetzt: Es wird nur einmal angezeigt. Geht es verloren, lässt es sich nicht wiederherstellen – erstellen Sie dann einen neuen Schlüssel.</translation>
    </message>
    <message>
        <source>I stored the secret &amp;elsewhere (password manager, secrets manager)</source>
        <translation>Ich habe das Geheimnis &amp;anderswo gespeichert (Passwort-Manager, Secrets-Manager)</translation>
    </message>
    <message>
        <source>I stored the secret elsewhere</source>
        <translation>Ich habe das Geheimnis anderswo gespeichert</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Key ID</source>
        <translation>Schlüssel-ID</translation>
    </message>
    <message>
        <source>Environment</source>
        <translation>Umgebung</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Previous key revoked</source>
        <translation>Vorheriger Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>“%1” (%2), %3&apos;s previous key, is now revoked under the active-key limit. Update any integration that still uses it with this new secret.</source>
        <translation>„%1“ (%2), der vorherige Schlüssel von %3, ist wegen der Obergrenze für aktive Schlüssel jetzt widerrufen. Stellen Sie jede Integration, die ihn noch verwendet, auf dieses neue Geheimnis um.</translation>
    </message>
    <message>
        <source>Previous keys revoked</source>
        <translation>Vorherige Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>%1 of %2&apos;s keys are now revoked under the active-key limit: %3. Update any integration that still uses them with this new secret.</source>
        <translation>%1 Schlüssel von %2 sind wegen der Obergrenze für aktive Schlüssel jetzt widerrufen: %3. Stellen Sie jede Integration, die sie noch verwendet, auf dieses neue Geheimnis um.</translation>
    </message>
    <message>
        <source>Secret key</source>
        <translation>Geheimer Schlüssel</translation>
    </message>
    <message>
        <source>&amp;Secret key</source>
        <translation>&amp;Geheimer Schlüssel</translation>
    </message>
    <message>
        <source>Copy Secret Key</source>
        <translation>Geheimnis kopieren</translation>
    </message>
    <message>
        <source>Download Key…</source>
        <translation>Schlüssel herunterladen …</translation>
    </message>
    <message>
        <source>Download Key</source>
        <translation>Schlüssel herunterladen</translation>
    </message>
    <message>
        <source>Download result</source>
        <translation>Ergebnis des Herunterladens</translation>
    </message>
    <message>
        <source>Download problem</source>
        <translation>Problem beim Herunterladen</translation>
    </message>
    <message>
        <source>Copy Again</source>
        <translation>Erneut kopieren</translation>
    </message>
    <message>
        <source>Copied — clears in %1 s</source>
        <translation>Kopiert – wird in %1 s gelöscht</translation>
    </message>
    <message>
        <source>Save to the OS keyring</source>
        <translation>Im Schlüsselbund des Systems speichern</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Dienst</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>Benutzername</translation>
    </message>
    <message>
        <source>Ser&amp;vice</source>
        <translation>&amp;Dienst</translation>
    </message>
    <message>
        <source>&amp;User name</source>
        <translation>Ben&amp;utzername</translation>
    </message>
    <message>
        <source>Programs on this computer read it back by this service and user name.</source>
        <translation>Programme auf diesem Rechner lesen es über diesen Dienst und Benutzernamen wieder aus.</translation>
    </message>
    <message>
        <source>Save to Keyring</source>
        <translation>Im Schlüsselbund speichern</translation>
    </message>
    <message>
        <source>Keyring result</source>
        <translation>Ergebnis des Schlüsselbunds</translation>
    </message>
    <message>
        <source>Keyring problem</source>
        <translation>Problem mit dem Schlüsselbund</translation>
    </message>
    <message>
        <source>Keep it safe:</source>
        <translation>Sicher aufbewahren:</translation>
    </message>
    <message>
        <source>In a password manager (1Password, LastPass) or a secrets manager (AWS Secrets Manager, HashiCorp Vault), or an environment variable where the integration runs.</source>
        <translation>In einem Passwort-Manager (1Password, LastPass), einem Secrets-Manager (AWS Secrets Manager, HashiCorp Vault) oder in einer Umgebungsvariable dort, wo die Integration läuft.</translation>
    </message>
    <message>
        <source>Never in code repositories, Slack or other chat, or email.</source>
        <translation>Nie in Code-Repositorys, in Slack oder anderen Chats oder in E-Mails.</translation>
    </message>
    <message>
        <source>Write where you stored it in the key&apos;s description, so the next admin can find it.</source>
        <translation>Notieren Sie in der Beschreibung des Schlüssels, wo es liegt, damit der nächste Admin es findet.</translation>
    </message>
    <message>
        <source>Done unlocks once the secret is copied, downloaded or saved, or the box is ticked.</source>
        <translation>„Fertig“ wird verfügbar, sobald das Geheimnis kopiert, heruntergeladen oder gespeichert oder das Kästchen angekreuzt ist.</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Dialogschaltflächen</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Copy, download or save the secret first, or tick the box if you stored it elsewhere.</source>
        <translation>Kopieren, laden oder speichern Sie das Geheimnis zuerst, oder kreuzen Sie das Kästchen an, wenn Sie es anderswo gespeichert haben.</translation>
    </message>
    <message>
        <source>You copied something else, so Keyward left the clipboard alone.</source>
        <translation>Sie haben etwas anderes kopiert; Keyward hat die Zwischenablage daher nicht angerührt.</translation>
    </message>
    <message>
        <source>Keyward cleared the secret from the clipboard.</source>
        <translation>Keyward hat das Geheimnis aus der Zwischenablage gelöscht.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Wird gespeichert …</translation>
    </message>
    <message>
        <source>Saved to %1 as %2.</source>
        <translation>In %1 als %2 gespeichert.</translation>
    </message>
    <message>
        <source>Saved to %1.</source>
        <translation>In %1 gespeichert.</translation>
    </message>
    <message>
        <source>Only you can read the file.</source>
        <translation>Nur Sie können die Datei lesen.</translation>
    </message>
    <message>
        <source>Saved to the OS keyring (%1) as %2 / %3.</source>
        <translation>Im Schlüsselbund des Systems (%1) als %2 / %3 gespeichert.</translation>
    </message>
    <message>
        <source>Close without storing the secret?</source>
        <translation>Schließen, ohne das Geheimnis zu speichern?</translation>
    </message>
    <message>
        <source>The secret of “%1” can never be shown again. Without it, the key is useless and you will have to create a new one.</source>
        <translation>Das Geheimnis von „%1“ kann nie wieder angezeigt werden. Ohne es ist der Schlüssel nutzlos, und Sie müssen einen neuen erstellen.</translation>
    </message>
    <message>
        <source>Close and Lose Secret</source>
        <translation>Schließen und Geheimnis verlieren</translation>
    </message>
    <message>
        <source>Close and lose the secret</source>
        <translation>Schließen und das Geheimnis verlieren</translation>
    </message>
    <message>
        <source>Go Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Go back to the secret</source>
        <translation>Zurück zum Geheimnis</translation>
    </message>
</context>
<context>
    <name>ReviewsScreen</name>
    <message>
        <source>Access reviews</source>
        <extracomment>The number of the operator&apos;s keys waiting for an answer (for a badge or reminder).</extracomment>
        <translation>Zugriffsüberprüfungen</translation>
    </message>
    <message>
        <source>Access Reviews</source>
        <translation>Zugriffsüberprüfungen</translation>
    </message>
    <message>
        <source>Owners confirm the keys they still need, or revoke them. Every answer is in the audit trail; a closed review exports as evidence.</source>
        <translation>Besitzer bestätigen die Schlüssel, die sie noch brauchen, oder widerrufen sie. Jede Antwort steht im Prüfprotokoll; eine abgeschlossene Überprüfung lässt sich als Nachweis exportieren.</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Waiting on you</source>
        <translation>Wartet auf Sie</translation>
    </message>
    <message>
        <source>Your keys under review</source>
        <translation>Ihre Schlüssel in Überprüfung</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Überprüfung</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Fällig</translation>
    </message>
    <message>
        <source>Nothing waits on you.</source>
        <translation>Nichts wartet auf Sie.</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Notiz</translation>
    </message>
    <message>
        <source>Note (optional), e.g. where the secret lives</source>
        <translation>Notiz (optional), z. B. wo das Geheimnis liegt</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>Behalten</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Revokes the key at once</source>
        <translation>Widerruft den Schlüssel sofort</translation>
    </message>
    <message>
        <source>Reviews</source>
        <translation>Überprüfungen</translation>
    </message>
    <message>
        <source>Start Review…</source>
        <translation>Überprüfung starten …</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Umfang</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>Beantwortet</translation>
    </message>
    <message>
        <source>No access review yet. A review asks each owner to confirm the keys they still need, or revoke them, by a due date.</source>
        <translation>Noch keine Zugriffsüberprüfung. Eine Überprüfung bittet jeden Besitzer, bis zu einem Stichtag die Schlüssel zu bestätigen, die er noch braucht, oder sie zu widerrufen.</translation>
    </message>
    <message>
        <source>Progress per owner</source>
        <translation>Fortschritt pro Besitzer</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Offen</translation>
    </message>
    <message>
        <source>Disable Unanswered…</source>
        <translation>Unbeantwortete deaktivieren …</translation>
    </message>
    <message>
        <source>Close Review</source>
        <translation>Überprüfung abschließen</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>Exportieren …</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>Überfällig</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>keys of %1 matching “%2”</source>
        <translation>Schlüssel von %1 mit „%2“</translation>
    </message>
    <message>
        <source>keys of %1</source>
        <translation>Schlüssel von %1</translation>
    </message>
    <message>
        <source>keys matching “%1”</source>
        <translation>Schlüssel mit „%1“</translation>
    </message>
    <message>
        <source>all keys</source>
        <translation>alle Schlüssel</translation>
    </message>
    <message>
        <source>Started by %1 on %2. %3</source>
        <translation>Gestartet von %1 am %2. %3</translation>
    </message>
    <message>
        <source>Only admins start, act on and close access reviews.</source>
        <translation>Nur Admins können Zugriffsüberprüfungen starten, bearbeiten und abschließen.</translation>
    </message>
    <message>
        <source>Kept “%1”</source>
        <translation>„%1“ behalten</translation>
    </message>
    <message>
        <source>Revoked “%1”</source>
        <translation>„%1“ widerrufen</translation>
    </message>
    <message>
        <source>Closed “%1”: %2 kept, %3 revoked, %4 unanswered</source>
        <translation>„%1“ abgeschlossen: %2 behalten, %3 widerrufen, %4 unbeantwortet</translation>
    </message>
    <message>
        <source>Export Review</source>
        <translation>Überprüfung exportieren</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>Exported the review to %1 and %2</source>
        <translation>Überprüfung nach %1 und %2 exportiert</translation>
    </message>
</context>
<context>
    <name>RevokeKeyDialog</name>
    <message>
        <source>Revoke API Key</source>
        <extracomment>The dialog&apos;s objectName (tests and assistive technology use it). The confirm button&apos;s objectName.</extracomment>
        <translation>API-Schlüssel widerrufen</translation>
    </message>
    <message numerus="yes">
        <source>Revoke %n API Keys</source>
        <translation>
            <numerusform>%n API-Schlüssel widerrufen</numerusform>
            <numerusform>%n API-Schlüssel widerrufen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them is already revoked and stays as it is.</source>
        <extracomment>Names listed in full before &quot;…and N more&quot; (the list scrolls; this keeps it readable). The revoked keys (fresh DTOs) after a successful revocation.</extracomment>
        <translation>
            <numerusform>%n davon ist bereits widerrufen und bleibt es.</numerusform>
            <numerusform>%n davon sind bereits widerrufen und bleiben es.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them are already revoked and stay as they are.</source>
        <translation>
            <numerusform>%n davon ist bereits widerrufen und bleibt es.</numerusform>
            <numerusform>%n davon sind bereits widerrufen und bleiben es.</numerusform>
        </translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Revocation is immediate. Any integration using this key will stop working instantly.</source>
        <translation>Der Widerruf gilt sofort. Jede Integration, die diesen Schlüssel verwendet, funktioniert ab sofort nicht mehr.</translation>
    </message>
    <message>
        <source>Revocation is immediate. Any integration using these keys will stop working instantly. All of them are revoked together, or none if one cannot be.</source>
        <translation>Der Widerruf gilt sofort. Jede Integration, die diese Schlüssel verwendet, funktioniert ab sofort nicht mehr. Alle werden gemeinsam widerrufen – oder keiner, falls einer nicht widerrufen werden kann.</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Revoke “%1”?</source>
        <translation>„%1“ widerrufen?</translation>
    </message>
    <message numerus="yes">
        <source>Revoke %n keys?</source>
        <translation>
            <numerusform>%n Schlüssel widerrufen?</numerusform>
            <numerusform>%n Schlüssel widerrufen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Revoked keys stay listed for the audit trail, and their “Last used” date freezes. A revoked key cannot be enabled again.</source>
        <translation>Widerrufene Schlüssel bleiben für das Prüfprotokoll in der Liste, und ihr Datum „Zuletzt verwendet“ wird eingefroren. Ein widerrufener Schlüssel kann nicht wieder aktiviert werden.</translation>
    </message>
    <message>
        <source>Key details</source>
        <translation>Schlüsseldetails</translation>
    </message>
    <message>
        <source>%1 (deactivated)</source>
        <translation>%1 (deaktiviert)</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Aktivität</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Never used</source>
        <translation>Nie verwendet</translation>
    </message>
    <message>
        <source>Last used %1</source>
        <translation>Zuletzt verwendet: %1</translation>
    </message>
    <message>
        <source>Keys to revoke</source>
        <translation>Zu widerrufende Schlüssel</translation>
    </message>
    <message>
        <source>%1  ·  %2  ·  %3</source>
        <translation>%1  ·  %2  ·  %3</translation>
    </message>
    <message numerus="yes">
        <source>…and %n more</source>
        <translation>
            <numerusform>… und %n weiterer</numerusform>
            <numerusform>… und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Integration is no longer needed</source>
        <translation>Integration wird nicht mehr gebraucht</translation>
    </message>
    <message>
        <source>Security incident or suspected compromise</source>
        <translation>Sicherheitsvorfall oder Verdacht auf Kompromittierung</translation>
    </message>
    <message>
        <source>User has left the company</source>
        <translation>Benutzer hat das Unternehmen verlassen</translation>
    </message>
    <message>
        <source>Switching to a different integration approach</source>
        <translation>Wechsel zu einer anderen Integrationslösung</translation>
    </message>
    <message>
        <source>Not used in 90+ days</source>
        <translation>Seit über 90 Tagen nicht verwendet</translation>
    </message>
    <message>
        <source>Optional — pick a reason or type your own</source>
        <translation>Optional – Grund auswählen oder selbst eingeben</translation>
    </message>
    <message>
        <source>&amp;Reason (kept in the audit trail)</source>
        <translation>&amp;Grund (wird im Prüfprotokoll festgehalten)</translation>
    </message>
    <message>
        <source>Reason (kept in the audit trail)</source>
        <translation>Grund (wird im Prüfprotokoll festgehalten)</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Dialogschaltflächen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Schlüssel widerrufen</translation>
    </message>
    <message numerus="yes">
        <source>Revoke %n keys</source>
        <translation>
            <numerusform>%n Schlüssel widerrufen</numerusform>
            <numerusform>%n Schlüssel widerrufen</numerusform>
        </translation>
    </message>
    <message>
        <source>Revoking the key…</source>
        <translation>Der Schlüssel wird widerrufen …</translation>
    </message>
    <message numerus="yes">
        <source>Revoking %n keys…</source>
        <translation>
            <numerusform>%n Schlüssel wird widerrufen …</numerusform>
            <numerusform>%n Schlüssel werden widerrufen …</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Creates and manages their own keys.</source>
        <extracomment>The roles a person may be given here, in the order they are offered (verifier is a service login, not a person).</extracomment>
        <translation>Erstellt und verwaltet eigene Schlüssel.</translation>
    </message>
    <message>
        <source>Manages every key and creates keys for others; reads people and the audit trail.</source>
        <translation>Verwaltet alle Schlüssel und erstellt Schlüssel für andere; liest Personen und das Prüfprotokoll.</translation>
    </message>
    <message>
        <source>Reads every key and the audit trail; changes nothing.</source>
        <translation>Liest alle Schlüssel und das Prüfprotokoll; ändert nichts.</translation>
    </message>
    <message>
        <source>Everything, plus people and the key policy.</source>
        <translation>Alles, dazu Personen und die Schlüsselrichtlinie.</translation>
    </message>
    <message>
        <source>A service login: verifies tokens and records their use, nothing else.</source>
        <translation>Ein Dienst-Login: prüft Tokens und erfasst ihre Nutzung, sonst nichts.</translation>
    </message>
</context>
<context>
    <name>RotateKeyDialog</name>
    <message>
        <source>Rotate API Key</source>
        <extracomment>The sentence is rewritten this often while the dialog is open (the minute moves on). Custom durations: (unit label source, one unit). Labels are translated where shown. The new key, with its token, for the reveal dialog.</extracomment>
        <translation>API-Schlüssel rotieren</translation>
    </message>
    <message>
        <source>When it stops</source>
        <translation>Wann er endet</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Rotate “%1”</source>
        <translation>„%1“ rotieren</translation>
    </message>
    <message>
        <source>A new key with the same name, owner, environment and expiry is created and its secret shown once. Keep the old key working while you put the new secret into the integration; then it stops by itself.</source>
        <translation>Ein neuer Schlüssel mit demselben Namen, Besitzer, derselben Umgebung und demselben Ablauf wird erstellt und sein Geheimnis einmal angezeigt. Der alte Schlüssel funktioniert weiter, während Sie das neue Geheimnis in die Integration eintragen; danach endet er von selbst.</translation>
    </message>
    <message>
        <source>Grace period</source>
        <translation>Übergangszeit</translation>
    </message>
    <message>
        <source>No overlap — the old key stops now</source>
        <translation>Keine Überlappung — der alte Schlüssel endet sofort</translation>
    </message>
    <message>
        <source>1 hour</source>
        <translation>1 Stunde</translation>
    </message>
    <message>
        <source>24 hours</source>
        <translation>24 Stunden</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 Tage</translation>
    </message>
    <message>
        <source>Custom…</source>
        <translation>Eigene …</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Anzahl</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>Einheit</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>Minuten</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>Stunden</translation>
    </message>
    <message>
        <source>days</source>
        <translation>Tage</translation>
    </message>
    <message>
        <source>Rotating</source>
        <translation>Wird rotiert</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Dialog buttons</source>
        <translation>Dialogschaltflächen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Rotate</source>
        <translation>Rotieren</translation>
    </message>
    <message>
        <source>Rotate key</source>
        <translation>Schlüssel rotieren</translation>
    </message>
    <message>
        <source>The old key has expired already; the new key works from now on.</source>
        <translation>Der alte Schlüssel ist bereits abgelaufen; der neue Schlüssel funktioniert ab sofort.</translation>
    </message>
    <message>
        <source>The old key is revoked at once: integrations still using it stop working now.</source>
        <translation>Der alte Schlüssel wird sofort widerrufen: Integrationen, die ihn noch verwenden, funktionieren ab jetzt nicht mehr.</translation>
    </message>
    <message>
        <source>The old key stops working on %1.</source>
        <translation>Der alte Schlüssel funktioniert bis %1.</translation>
    </message>
    <message>
        <source>That is its own expiry, before the grace period ends.</source>
        <translation>Das ist sein eigener Ablauf, vor dem Ende der Übergangszeit.</translation>
    </message>
    <message>
        <source>A change to this key is still on its way; try again in a moment.</source>
        <translation>Eine Änderung an diesem Schlüssel ist noch unterwegs; versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <source>Creating the new key…</source>
        <translation>Der neue Schlüssel wird erstellt …</translation>
    </message>
</context>
<context>
    <name>SchemaUpdate</name>
    <message>
        <source>Updating the database</source>
        <extracomment>An upgrade that ends sooner than this never shows its window (``app.ui.progress``).</extracomment>
        <translation>Datenbank wird aktualisiert</translation>
    </message>
    <message>
        <source>This database was last used by an earlier version of Keyward and is being brought up to date. On a large file this takes a few minutes; your keys appear as soon as it is done.</source>
        <translation>Diese Datenbank wurde zuletzt von einer älteren Version von Keyward verwendet und wird jetzt auf den neuesten Stand gebracht. Bei einer großen Datei dauert das einige Minuten; Ihre Schlüssel erscheinen, sobald es fertig ist.</translation>
    </message>
</context>
<context>
    <name>StartReviewDialog</name>
    <message>
        <source>Start an Access Review</source>
        <translation>Zugriffsüberprüfung starten</translation>
    </message>
    <message>
        <source>Each key&apos;s owner is asked to confirm it (keep) or revoke it. At the due date you decide what happens to the keys nobody answered for.</source>
        <translation>Der Besitzer jedes Schlüssels wird gebeten, ihn zu bestätigen (behalten) oder zu widerrufen. Am Fälligkeitsdatum entscheiden Sie, was mit den Schlüsseln geschieht, für die niemand geantwortet hat.</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>e.g. Q1 2027 key review</source>
        <translation>z. B. Schlüsselüberprüfung Q1 2027</translation>
    </message>
    <message>
        <source>&amp;Title</source>
        <translation>&amp;Titel</translation>
    </message>
    <message>
        <source>All keys</source>
        <translation>Alle Schlüssel</translation>
    </message>
    <message>
        <source>One owner&apos;s keys:</source>
        <translation>Schlüssel eines Besitzers:</translation>
    </message>
    <message>
        <source>Keys matching:</source>
        <translation>Schlüssel passend zu:</translation>
    </message>
    <message>
        <source>Owner&apos;s login</source>
        <translation>Anmeldename des Besitzers</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suche</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>Umfang</translation>
    </message>
    <message>
        <source>Due date</source>
        <translation>Fälligkeitsdatum</translation>
    </message>
    <message>
        <source>&amp;Due by the end of</source>
        <translation>&amp;Fällig bis zum Ende des</translation>
    </message>
    <message>
        <source>Instructions</source>
        <translation>Anweisungen</translation>
    </message>
    <message>
        <source>e.g. Keep what your integrations use and note where the secret lives.</source>
        <translation>z. B. Behalten Sie, was Ihre Integrationen verwenden, und notieren Sie, wo das Geheimnis liegt.</translation>
    </message>
    <message>
        <source>&amp;Instructions</source>
        <translation>&amp;Anweisungen</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>Problem</translation>
    </message>
    <message>
        <source>Start Review</source>
        <translation>Überprüfung starten</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
</context>
<context>
    <name>StatusBadge</name>
    <message>
        <source>Status: %1</source>
        <extracomment>Pill looks kept at most (a handful are in use: the sizes change only with the font). What changes how a cell is drawn without a change to its data.</extracomment>
        <translation>Status: %1</translation>
    </message>
</context>
<context>
    <name>UsageChart</name>
    <message>
        <source>Verifications per day</source>
        <translation>Prüfungen pro Tag</translation>
    </message>
    <message>
        <source>%1 verifications in %2 days; at most %3 on one day.</source>
        <translation>%1 Prüfungen in %2 Tagen; höchstens %3 an einem Tag.</translation>
    </message>
    <message>
        <source>No verifications in the last 30 days</source>
        <translation>Keine Prüfungen in den letzten 30 Tagen</translation>
    </message>
    <message>
        <source>%1: %2 verifications</source>
        <translation>%1: %2 Prüfungen</translation>
    </message>
</context>
</TS>
