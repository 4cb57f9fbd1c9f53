<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_US">
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
    <name>Console</name>
    <message>
        <source>Keyward cannot start</source>
        <translation>Keyward kann nicht starten</translation>
    </message>
</context>
<context>
    <name>CreateKeyDialog</name>
    <message>
        <source>Create API Key</source>
        <extracomment>Longest key name quoted on a button before it is shortened with &quot;…&quot;. Active people the operator may create keys for; empty when only for themselves. The CreatedKey (with the one-time token) after a successful create. The operator, policy and owners are in and the form can be used. (key id, key name) the service said will be revoked; set until confirmed.</extracomment>
        <translation>API-Schlüssel erstellen</translation>
    </message>
    <message>
        <source>Problem creating the key</source>
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
        <source>Revoke the oldest key and create</source>
        <translation>Ältesten Schlüssel widerrufen und erstellen</translation>
    </message>
    <message>
        <source>Loading your role and the key policy…</source>
        <translation>Ihre Rolle und die Schlüsselrichtlinie werden geladen …</translation>
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
        <source>Revoke “%1” and create</source>
        <translation>„%1“ widerrufen und erstellen</translation>
    </message>
    <message>
        <source>Confirm with the button below, or Cancel to keep “%1”.</source>
        <translation>Bestätigen Sie mit der Schaltfläche unten, oder brechen Sie ab, um „%1“ zu behalten.</translation>
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
    <name>EmptyState</name>
    <message>
        <source>Create API Key</source>
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
        <source>today</source>
        <translation>heute</translation>
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
    <name>KeyActionsDelegate</name>
    <message>
        <source>Checking your role…</source>
        <extracomment>The column&apos;s fixed width: padding, toggle, two buttons, padding.</extracomment>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>Changing…</source>
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
        <extracomment>A failure worth telling the user about (a deleted key&apos;s missing history is not).</extracomment>
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
        <extracomment>A short confirmation for the status bar (&quot;Key id copied&quot;). An error for the window&apos;s presenter (the panel shows conflicts itself).</extracomment>
        <translation>Schlüsseldetails</translation>
    </message>
    <message>
        <source>Details</source>
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
        <translation>Schlüssel-ID kopieren (nicht das Geheimnis)</translation>
    </message>
    <message>
        <source>Copy key id</source>
        <translation>Schlüssel-ID kopieren</translation>
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
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
</context>
<context>
    <name>KeysModel</name>
    <message>
        <source>Click to sort by %1</source>
        <extracomment>Per-row controls (toggle, revoke, delete) painted by KeyActionsDelegate. The header&apos;s text (untranslated source; translated in the &quot;KeysModel&quot; context). The cell&apos;s text for a key, at ``now`` (relative times). The cell&apos;s tooltip for a key, at ``now``. What the server sorts by for this column (None: not sortable). A first click on the header sorts this way (newest first for times). The widest text the column usually holds (None: the view sizes it its own way). The default width also fits the translated header with its sort arrow, if that is wider. The cell reads as secondary (placeholder colour) for this key. Drawn in the fixed-width font (a masked key). The header&apos;s tooltip (untranslated source); None: &quot;Click to sort by &lt;header&gt;&quot;.</extracomment>
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
        <source>Actions: Delete</source>
        <extracomment>The KeyDTO behind a row. The row&apos;s KeyStatus (drawn as a badge by the status delegate). Roles a changed key can affect; views repaint exactly these. The invisible root: a table&apos;s rows have no other parent. A query&apos;s first page arrived and replaced the rows. True while a query&apos;s first page is on its way. The number of keys matching the query (None while counting or after a failure). Loading failed (the exception); the current rows stay as they were. key id → (the KeyDTO the texts were made from, its cell texts)</extracomment>
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
        <extracomment>A short confirmation for the status bar (&quot;Deleted “Billing”&quot;). A failure for the window&apos;s error handling (banner, Retry, bug report). A query&apos;s first page arrived (the database answers again).</extracomment>
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
        <source>Delete “%1”? It disappears from the list; the audit trail keeps a record. An active key is revoked first.</source>
        <translation>„%1“ löschen? Der Schlüssel verschwindet aus der Liste; das Prüfprotokoll behält einen Eintrag. Ein aktiver Schlüssel wird zuerst widerrufen.</translation>
    </message>
    <message>
        <source>Deleted “%1”; the audit trail keeps a record.</source>
        <translation>„%1“ gelöscht; das Prüfprotokoll behält einen Eintrag.</translation>
    </message>
    <message>
        <source>Delete key</source>
        <translation>Schlüssel löschen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Copied the key id %1</source>
        <translation>Schlüssel-ID %1 kopiert</translation>
    </message>
    <message>
        <source>Checking your role…</source>
        <translation>Ihre Rolle wird geprüft …</translation>
    </message>
    <message>
        <source>Create a key and see its secret once (Ctrl+N)</source>
        <translation>Einen Schlüssel erstellen und sein Geheimnis einmal sehen (Strg+N)</translation>
    </message>
</context>
<context>
    <name>KeysTable</name>
    <message>
        <source>API keys</source>
        <extracomment>A masked key as wide as they come (prefix and environment labels vary).</extracomment>
        <translation>API-Schlüssel</translation>
    </message>
</context>
<context>
    <name>KeysToolbar</name>
    <message>
        <source>Counting…</source>
        <extracomment>Typing pauses shorter than this are one search, not one per keystroke. The (trimmed) search text to apply, after a typing pause or Enter. The status to show (a KeyStatus), or None for all.</extracomment>
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
        <source>Search keys</source>
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
        <translation>Prüfpunkt signiert</translation>
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
    <name>MainWindow</name>
    <message>
        <source>Keyward</source>
        <extracomment>The window closed for good (settings saved, background work dropped). The operator (login and role) is known and the controls follow the role.</extracomment>
        <translation>Keyward</translation>
    </message>
    <message>
        <source>Keyward — %1</source>
        <translation>Keyward – %1</translation>
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
    <name>RevokeKeyDialog</name>
    <message>
        <source>Revoke API Key</source>
        <extracomment>Names listed in full before &quot;…and N more&quot; (the list scrolls; this keeps it readable). The revoked keys (fresh DTOs) after a successful revocation.</extracomment>
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
        <source>Revoking</source>
        <translation>Widerruf läuft</translation>
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
    <name>StatusBadge</name>
    <message>
        <source>Status: %1</source>
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
