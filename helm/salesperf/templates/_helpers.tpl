{{/* Names, labels and the pieces every service's pod shares. */}}

{{- define "salesperf.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "salesperf.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's resources: <fullname>-<service>. Call with (dict "root" $ "svc" "targets"). */}}
{{- define "salesperf.componentName" -}}
{{- printf "%s-%s" (include "salesperf.fullname" .root) .svc -}}
{{- end -}}

{{- define "salesperf.chartLabel" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "salesperf.labels" -}}
helm.sh/chart: {{ include "salesperf.chartLabel" . }}
app.kubernetes.io/name: {{ include "salesperf.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: salesperf
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one service. Call with (dict "root" $ "svc" "targets"). */}}
{{- define "salesperf.selectorLabels" -}}
app.kubernetes.io/name: {{ include "salesperf.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .svc }}
{{- end -}}

{{- define "salesperf.componentLabels" -}}
{{ include "salesperf.labels" .root }}
app.kubernetes.io/component: {{ .svc }}
{{- end -}}

{{- define "salesperf.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "salesperf.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The image of one service. Call with (dict "root" $ "svc" "targets"). */}}
{{- define "salesperf.image" -}}
{{- $img := .root.Values.image -}}
{{- if $img.digest -}}
{{- printf "%s-%s@%s" $img.repository .svc $img.digest -}}
{{- else -}}
{{- printf "%s-%s:%s" $img.repository .svc (default .root.Chart.AppVersion $img.tag) -}}
{{- end -}}
{{- end -}}

{{/*
Kafka settings as environment variables. SALESPERF_KAFKA_PROPERTIES is a comma-separated
KEY=VALUE list (the env twin of the repeatable --kafka-property flag); secret parts are
referenced with $(VAR) so that they never appear in the pod spec.
*/}}
{{- define "salesperf.kafkaEnv" -}}
{{- $k := .Values.kafka -}}
{{- if $k.bootstrapServersSecret.name }}
- name: SALESPERF_KAFKA_BROKERS
  valueFrom:
    secretKeyRef:
      name: {{ $k.bootstrapServersSecret.name }}
      key: {{ $k.bootstrapServersSecret.key }}
{{- else }}
- name: SALESPERF_KAFKA_BROKERS
  value: {{ required "kafka.bootstrapServers (or kafka.bootstrapServersSecret.name) is required" $k.bootstrapServers | quote }}
{{- end }}
{{- $props := list -}}
{{- if and $k.tls.enabled $k.sasl.enabled }}
{{- $props = append $props "security.protocol=SASL_SSL" -}}
{{- else if $k.tls.enabled }}
{{- $props = append $props "security.protocol=SSL" -}}
{{- else if $k.sasl.enabled }}
{{- $props = append $props "security.protocol=SASL_PLAINTEXT" -}}
{{- end }}
{{- if and $k.tls.enabled $k.tls.caSecret.name }}
{{- $props = append $props (printf "ssl.ca.location=/etc/salesperf/kafka/ca/%s" $k.tls.caSecret.key) -}}
{{- end }}
{{- if and $k.tls.enabled $k.tls.clientCertSecret.name }}
{{- $props = append $props (printf "ssl.certificate.location=/etc/salesperf/kafka/client/%s" $k.tls.clientCertSecret.certKey) -}}
{{- $props = append $props (printf "ssl.key.location=/etc/salesperf/kafka/client/%s" $k.tls.clientCertSecret.keyKey) -}}
{{- end }}
{{- if $k.sasl.enabled }}
{{- $props = append $props (printf "sasl.mechanism=%s" $k.sasl.mechanism) -}}
{{- if $k.sasl.usernameSecret.name }}
- name: KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $k.sasl.usernameSecret.name }}
      key: {{ $k.sasl.usernameSecret.key }}
{{- $props = append $props "sasl.username=$(KAFKA_SASL_USERNAME)" -}}
{{- else }}
{{- $props = append $props (printf "sasl.username=%s" (required "kafka.sasl.username (or kafka.sasl.usernameSecret.name) is required with kafka.sasl.enabled" $k.sasl.username)) -}}
{{- end }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ required "kafka.sasl.passwordSecret.name is required with kafka.sasl.enabled" $k.sasl.passwordSecret.name }}
      key: {{ $k.sasl.passwordSecret.key }}
{{- $props = append $props "sasl.password=$(KAFKA_SASL_PASSWORD)" -}}
{{- end }}
{{- range $key, $value := $k.properties }}
{{- $props = append $props (printf "%s=%v" $key $value) -}}
{{- end }}
{{- if $k.propertiesSecret.name }}
- name: KAFKA_EXTRA_PROPERTIES
  valueFrom:
    secretKeyRef:
      name: {{ $k.propertiesSecret.name }}
      key: {{ $k.propertiesSecret.key }}
{{- $props = append $props "$(KAFKA_EXTRA_PROPERTIES)" -}}
{{- end }}
{{- if $props }}
- name: SALESPERF_KAFKA_PROPERTIES
  value: {{ join "," $props | quote }}
{{- end }}
{{- end -}}

{{/* Volumes for the Kafka TLS material and the auth tokens. */}}
{{- define "salesperf.secretVolumes" -}}
{{- $k := .Values.kafka -}}
{{- if and $k.tls.enabled $k.tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ $k.tls.caSecret.name }}
    items:
      - key: {{ $k.tls.caSecret.key }}
        path: {{ $k.tls.caSecret.key }}
{{- end }}
{{- if and $k.tls.enabled $k.tls.clientCertSecret.name }}
- name: kafka-client
  secret:
    secretName: {{ $k.tls.clientCertSecret.name }}
    defaultMode: 0400
    items:
      - key: {{ $k.tls.clientCertSecret.certKey }}
        path: {{ $k.tls.clientCertSecret.certKey }}
      - key: {{ $k.tls.clientCertSecret.keyKey }}
        path: {{ $k.tls.clientCertSecret.keyKey }}
{{- end }}
{{- if .Values.auth.existingSecret }}
- name: auth-tokens
  secret:
    secretName: {{ .Values.auth.existingSecret }}
    defaultMode: 0400
    items:
      - key: {{ .Values.auth.key }}
        path: tokens
{{- end }}
{{- end -}}

{{- define "salesperf.secretVolumeMounts" -}}
{{- $k := .Values.kafka -}}
{{- if and $k.tls.enabled $k.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/salesperf/kafka/ca
  readOnly: true
{{- end }}
{{- if and $k.tls.enabled $k.tls.clientCertSecret.name }}
- name: kafka-client
  mountPath: /etc/salesperf/kafka/client
  readOnly: true
{{- end }}
{{- if .Values.auth.existingSecret }}
- name: auth-tokens
  mountPath: /etc/salesperf/auth
  readOnly: true
{{- end }}
{{- end -}}
