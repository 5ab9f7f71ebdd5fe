{{/* The four apps, in a fixed order so rendered output is stable. */}}
{{- define "ledger.appNames" -}}
command query relay projector
{{- end }}

{{- define "ledger.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Release-wide name. Truncated to 52 so "<fullname>-<app>" and "<fullname>-migrate" stay within the
63-character limit on names and label values.
*/}}
{{- define "ledger.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "ledger.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ledger.labels" -}}
helm.sh/chart: {{ include "ledger.chart" . }}
app.kubernetes.io/name: {{ include "ledger.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ledger
{{- end }}

{{/* Selector labels of one app. Call with (dict "root" $ "app" "command"). Never change: selectors are immutable. */}}
{{- define "ledger.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ledger.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .app }}
{{- end }}

{{- define "ledger.appLabels" -}}
{{ include "ledger.labels" .root }}
app.kubernetes.io/component: {{ .app }}
{{- end }}

{{- define "ledger.appFullname" -}}
{{- printf "%s-%s" (include "ledger.fullname" .root) .app | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "ledger.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "ledger.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "ledger.configMapName" -}}
{{- printf "%s-config" (include "ledger.fullname" .) }}
{{- end }}

{{- define "ledger.kafkaConfigMapName" -}}
{{- printf "%s-kafka" (include "ledger.fullname" .) }}
{{- end }}

{{/* KAFKA_DLQ_TOPIC of the projector. */}}
{{- define "ledger.deadLetterTopic" -}}
{{- default (printf "%s.dlq" .Values.kafka.topic) .Values.kafka.deadLetterTopic }}
{{- end }}

{{/* The Secret holding QUERY_CURSOR_SECRET: the user's, or the one this chart creates. */}}
{{- define "ledger.cursorSecretName" -}}
{{- if .Values.cursorSecret.existingSecret }}
{{- .Values.cursorSecret.existingSecret }}
{{- else }}
{{- printf "%s-cursor" (include "ledger.fullname" .) }}
{{- end }}
{{- end }}

{{/* The Secret holding DATABASE_URL: the user's, or the one this chart creates. */}}
{{- define "ledger.databaseSecretName" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "ledger.fullname" .) }}
{{- end }}
{{- end }}

{{- define "ledger.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}
{{- .Values.database.existingSecretKey }}
{{- else -}}
DATABASE_URL
{{- end }}
{{- end }}

{{/* One app's own database settings (apps.<app>.database), empty when it has none. Call with (dict "root" $ "app" "command"). */}}
{{- define "ledger.appDatabase" -}}
{{- toYaml ((index .root.Values.apps .app).database | default dict) }}
{{- end }}

{{/* Whether the chart renders a Secret with this app's own DATABASE_URL (its url is set, no existingSecret). */}}
{{- define "ledger.appDatabaseSecretRendered" -}}
{{- $db := include "ledger.appDatabase" . | fromYaml }}
{{- if and $db.url (not $db.existingSecret) }}true{{ end }}
{{- end }}

{{/*
The Secret and key of one app's DATABASE_URL: its own role's (apps.<app>.database), or else the shared
database.* one (the migration owner's, which works but gives the app every right the owner has).
*/}}
{{- define "ledger.appDatabaseSecretName" -}}
{{- $db := include "ledger.appDatabase" . | fromYaml }}
{{- if $db.existingSecret }}
{{- $db.existingSecret }}
{{- else if $db.url }}
{{- printf "%s-%s" (include "ledger.fullname" .root) .app | trunc 60 | trimSuffix "-" }}-db
{{- else }}
{{- include "ledger.databaseSecretName" .root }}
{{- end }}
{{- end }}

{{- define "ledger.appDatabaseSecretKey" -}}
{{- $db := include "ledger.appDatabase" . | fromYaml }}
{{- if $db.existingSecret }}
{{- $db.existingSecretKey | default "DATABASE_URL" }}
{{- else if $db.url -}}
DATABASE_URL
{{- else }}
{{- include "ledger.databaseSecretKey" .root }}
{{- end }}
{{- end }}

{{/* An app container's DATABASE_URL. Call with (dict "root" $ "app" "command"). */}}
{{- define "ledger.appDatabaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "ledger.appDatabaseSecretName" . }}
      key: {{ include "ledger.appDatabaseSecretKey" . }}
{{- end }}

{{/* Image reference of one app. Call with (dict "root" $ "app" "command"). */}}
{{- define "ledger.image" -}}
{{- $values := index .root.Values.apps .app }}
{{- $tag := default (default .root.Chart.AppVersion .root.Values.image.tag) $values.image.tag }}
{{- printf "%s%s:%s" .root.Values.image.registry $values.image.repository (toString $tag) }}
{{- end }}

{{- define "ledger.imagePullPolicy" -}}
{{- $values := index .root.Values.apps .app }}
{{- default .root.Values.image.pullPolicy $values.image.pullPolicy }}
{{- end }}

{{/* Whether an app talks to Kafka (and so gets the KAFKA_* settings). */}}
{{- define "ledger.usesKafka" -}}
{{- if has .app (list "relay" "projector") }}true{{ end }}
{{- end }}

{{/* Where the brokers' CA Secret is mounted (KAFKA_SSL_CA_FILE is ca.crt inside). */}}
{{- define "ledger.kafkaCaDir" -}}
/etc/ledger/kafka-ca
{{- end }}

{{/* KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD from kafka.sasl.existingSecret, when a mechanism is set. */}}
{{- define "ledger.kafkaSaslEnv" -}}
{{- if .Values.kafka.sasl.mechanism }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.usernameKey }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.passwordKey }}
{{- end }}
{{- end }}

{{/* The distinct ports of kafka.brokers, for the egress NetworkPolicy. */}}
{{- define "ledger.kafkaBrokerPorts" -}}
{{- $ports := list }}
{{- range $broker := splitList "," .Values.kafka.brokers }}
{{- $ports = append $ports (last (splitList ":" (trim $broker))) }}
{{- end }}
{{- $ports | uniq | join " " }}
{{- end }}

{{/* Values that would deploy something broken fail the render instead. */}}
{{- define "ledger.validate" -}}
{{- if and (not .Values.database.existingSecret) (not .Values.database.url) }}
{{- fail "set database.url (the chart creates a Secret from it) or database.existingSecret" }}
{{- end }}
{{- if and .Values.database.url (not (regexMatch "^postgres(ql)?://\\S+$" .Values.database.url)) }}
{{- fail "database.url must be a postgres:// URL" }}
{{- end }}
{{- range $app := splitList " " (include "ledger.appNames" .) }}
{{- $db := include "ledger.appDatabase" (dict "root" $ "app" $app) | fromYaml }}
{{- if and $db.url (not (regexMatch "^postgres(ql)?://\\S+$" $db.url)) }}
{{- fail (printf "apps.%s.database.url must be a postgres:// URL" $app) }}
{{- end }}
{{- end }}
{{- if not (regexMatch "^[\\w.-]+:\\d+(,[\\w.-]+:\\d+)*$" .Values.kafka.brokers) }}
{{- fail "kafka.brokers must be host:port[,host:port...]" }}
{{- end }}
{{- if and .Values.apps.query.enabled (not .Values.cursorSecret.existingSecret) (not (regexMatch "^\\S{32,512}$" (.Values.cursorSecret.value | default ""))) }}
{{- fail "set cursorSecret.value (32..512 characters, no whitespace; the chart creates a Secret from it) or cursorSecret.existingSecret" }}
{{- end }}
{{- if and (or .Values.apps.command.enabled .Values.apps.query.enabled) (not (regexMatch "^https?://\\S+$" (.Values.auth.issuer | default ""))) }}
{{- fail "set auth.issuer to the OpenID Connect issuer whose access tokens command and query accept (an http(s) URL)" }}
{{- end }}
{{- if not (regexMatch "^\\S{1,200}$" (.Values.auth.audience | default "")) }}
{{- fail "auth.audience must be one audience (no whitespace)" }}
{{- end }}
{{- if lt (int .Values.kafka.partitions) 1 }}
{{- fail "kafka.partitions must be at least 1" }}
{{- end }}
{{- if or (lt (int .Values.kafka.minInsyncReplicas) 1) (gt (int .Values.kafka.minInsyncReplicas) (int .Values.kafka.replicationFactor)) }}
{{- fail (printf "kafka.minInsyncReplicas (%d) must be from 1 to kafka.replicationFactor (%d)" (int .Values.kafka.minInsyncReplicas) (int .Values.kafka.replicationFactor)) }}
{{- end }}
{{- if gt (int .Values.apps.projector.replicaCount) (int .Values.kafka.partitions) }}
{{- fail (printf "apps.projector.replicaCount (%d) must not exceed kafka.partitions (%d): extra consumers get no partition" (int .Values.apps.projector.replicaCount) (int .Values.kafka.partitions)) }}
{{- end }}
{{- if not (regexMatch "^[\\w.-]{1,249}$" (include "ledger.deadLetterTopic" .)) }}
{{- fail "kafka.deadLetterTopic (or kafka.topic + \".dlq\") must be a valid Kafka topic name" }}
{{- end }}
{{- if and .Values.apps.relay.enabled (lt (int .Values.apps.relay.replicaCount) 1) }}
{{- fail "apps.relay.replicaCount must be at least 1 (2 gives a hot standby)" }}
{{- end }}
{{- if not (has (.Values.apps.relay.onNewTopic | default "republish") (list "republish" "stop")) }}
{{- fail "apps.relay.onNewTopic must be republish or stop" }}
{{- end }}
{{- with .Values.kafka.sasl }}
{{- if and .mechanism (not (has .mechanism (list "scram-sha-256" "scram-sha-512" "plain"))) }}
{{- fail "kafka.sasl.mechanism must be scram-sha-256, scram-sha-512, plain or empty" }}
{{- end }}
{{- if and .mechanism (not .existingSecret) }}
{{- fail "kafka.sasl.mechanism needs kafka.sasl.existingSecret (the Secret with the user name and password)" }}
{{- end }}
{{- end }}
{{- if and .Values.kafka.tls.caSecret (not .Values.kafka.tls.enabled) }}
{{- fail "kafka.tls.caSecret needs kafka.tls.enabled" }}
{{- end }}
{{- if gt (int .Values.shutdown.preStopSleepSeconds) (int .Values.shutdown.terminationGracePeriodSeconds) }}
{{- fail "shutdown.terminationGracePeriodSeconds must exceed shutdown.preStopSleepSeconds" }}
{{- end }}
{{- end }}

{{/* The shared DATABASE_URL (database.*): the migration owner's. */}}
{{- define "ledger.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "ledger.databaseSecretName" . }}
      key: {{ include "ledger.databaseSecretKey" . }}
{{- end }}

{{/* One probe block. Call with (dict "probe" <merged probe values>). */}}
{{- define "ledger.probe" -}}
httpGet:
  path: {{ .probe.path }}
  port: http
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
failureThreshold: {{ .probe.failureThreshold }}
{{- with .probe.initialDelaySeconds }}
initialDelaySeconds: {{ . }}
{{- end }}
{{- end }}

{{/* The token verification settings of the apps that serve callers (command, query). */}}
{{- define "ledger.authEnv" -}}
- name: OIDC_ISSUER
  value: {{ .Values.auth.issuer | quote }}
- name: OIDC_AUDIENCE
  value: {{ .Values.auth.audience | quote }}
{{- end }}
