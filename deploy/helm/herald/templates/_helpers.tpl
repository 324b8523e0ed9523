{{/*
Names and labels. Every resource is named `<fullname>-<service>` (or `<fullname>` when shared)
and labelled with the app.kubernetes.io/* recommended labels; `component` is the service name.
*/}}

{{- define "herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* <release>-<chart>, or the release name alone when it already contains the chart name. */}}
{{- define "herald.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 53 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 53 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 53 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "herald.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every resource of the release. */}}
{{- define "herald.labels" -}}
helm.sh/chart: {{ include "herald.chart" . }}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: herald
{{- end }}

{{/* Selects every pod of the release (NetworkPolicies). */}}
{{- define "herald.releaseSelectorLabels" -}}
app.kubernetes.io/name: {{ include "herald.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Resource name of one service. Call with (dict "root" $ "name" "mailer"). */}}
{{- define "herald.serviceFullname" -}}
{{- printf "%s-%s" (include "herald.fullname" .root) .name }}
{{- end }}

{{/* Selects the pods of one service. Call with (dict "root" $ "name" "mailer"). */}}
{{- define "herald.selectorLabels" -}}
{{ include "herald.releaseSelectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{/* Labels of one service's resources. Call with (dict "root" $ "name" "mailer"). */}}
{{- define "herald.serviceLabels" -}}
{{ include "herald.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end }}

{{- define "herald.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "herald.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The services that consume a queue: they get queue-length autoscaling with KEDA. */}}
{{- define "herald.consumers" -}}
{{- list "mailer" "notifier" "activity" | toJson }}
{{- end }}

{{/*
How a service scales: "keda", "hpa" or "" (fixed replicas).
Call with (dict "root" $ "name" "mailer" "svc" $svc).
*/}}
{{- define "herald.scaling" -}}
{{- $consumer := has .name (include "herald.consumers" .root | fromJsonArray) }}
{{- $autoscaling := .svc.autoscaling | default dict }}
{{- if and $consumer .root.Values.keda.enabled }}keda
{{- else if $autoscaling.enabled }}hpa
{{- end }}
{{- end }}

{{/* The queue a consumer reads, as the service names it (namespace prefix + service name). */}}
{{- define "herald.queueName" -}}
{{- printf "%s%s" .root.Values.config.heraldNamespace .name }}
{{- end }}

{{/*
Non-secret environment of one service, as ConfigMap data (every value a string).
Call with (dict "root" $ "name" "mailer" "svc" $svc).
*/}}
{{- define "herald.configData" -}}
{{- $config := .root.Values.config }}
{{- $data := dict
  "PORT" (toString .svc.port)
  "LOG_LEVEL" $config.logLevel
  "HERALD_ENVIRONMENT" $config.environment
  "HERALD_NAMESPACE" $config.heraldNamespace
  "SHUTDOWN_DEADLINE_MS" (toString (int64 $config.shutdownDeadlineMs))
  "OTEL_SERVICE_NAME" .name
}}
{{- if $config.otlpEndpoint }}
{{- $_ := set $data "OTEL_EXPORTER_OTLP_ENDPOINT" $config.otlpEndpoint }}
{{- end }}
{{- if has .name (list "api" "mailer") }}
{{- $_ := set $data "PUBLIC_URL" $config.publicUrl }}
{{- if .root.Values.ingress.enabled }}
{{- $_ := set $data "TRUST_PROXY" (toString (int64 .root.Values.ingress.trustedHops)) }}
{{- end }}
{{- end }}
{{- if eq .name "scheduler" }}
{{- $_ := set $data "LEASE_TTL_MS" (toString (int64 .svc.lease.ttlMs)) }}
{{- $_ := set $data "LEASE_RENEW_MS" (toString (int64 .svc.lease.renewMs)) }}
{{- /* The scheduler's /pipeline report reads each consumer's /heartbeat over HTTP. */}}
{{- $targets := list }}
{{- range $consumer := include "herald.consumers" .root | fromJsonArray }}
{{- $port := int64 (index $.root.Values.services $consumer).port }}
{{- $url := printf "http://%s:%d" (include "herald.serviceFullname" (dict "root" $.root "name" $consumer)) $port }}
{{- $targets = append $targets (printf "%s=%s" $consumer $url) }}
{{- end }}
{{- $_ := set $data "PIPELINE_TARGETS" (join "," $targets) }}
{{- end }}
{{- if eq .name "console" }}
{{- /* The console reads every other service's /readyz, /metrics and the scheduler's API. */}}
{{- $targets := list }}
{{- range $other, $otherSvc := $.root.Values.services }}
{{- if ne $other "console" }}
{{- $targets = append $targets (printf "%s=http://%s:%d" $other (include "herald.serviceFullname" (dict "root" $.root "name" $other)) (int64 $otherSvc.port)) }}
{{- end }}
{{- end }}
{{- $_ := set $data "SERVICE_URLS" (join "," $targets) }}
{{- $_ := set $data "JAEGER_QUERY_URL" .svc.jaeger.queryUrl }}
{{- if .svc.jaeger.uiUrl }}
{{- $_ := set $data "JAEGER_UI_URL" .svc.jaeger.uiUrl }}
{{- end }}
{{- $_ := set $data "COOKIE_SECURE" (ternary "true" "false" (and .svc.ingress.enabled (gt (len .svc.ingress.tls) 0))) }}
{{- end }}
{{- range $key, $value := .svc.env }}
{{- $_ := set $data $key (toString $value) }}
{{- end }}
{{- toYaml $data }}
{{- end }}

{{/* One secretKeyRef env var. Call with (dict "env" "MONGO_URL" "ref" (dict "name" .. "key" ..)). */}}
{{- define "herald.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .ref.name }}
      key: {{ .ref.key }}
{{- end }}
