{{/*
book-mysql-m1.name: the chart name, or .Values.nameOverride; at most 63 characters
(the seed's DNS rule). Usage: {{ include "book-mysql-m1.name" . }}
*/}}
{{- define "book-mysql-m1.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
book-mysql-m1.fullname: the name of every resource of a release, at most 63
characters. The release name alone when it already contains the chart name (the usual
`helm install book-mysql-m1 ./book-mysql-m1`).
Usage: {{ include "book-mysql-m1.fullname" . }}
*/}}
{{- define "book-mysql-m1.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
book-mysql-m1.resourceName: fullname plus a suffix, still at most 63 characters.
Usage: {{ include "book-mysql-m1.resourceName" (list . "env") }}
*/}}
{{- define "book-mysql-m1.resourceName" -}}
{{- $suffix := index . 1 }}
{{- $base := include "book-mysql-m1.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base $suffix }}
{{- end }}

{{/*
book-mysql-m1.chart: chart name and version for the helm.sh/chart label.
Usage: {{ include "book-mysql-m1.chart" . }}
*/}}
{{- define "book-mysql-m1.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
book-mysql-m1.labels: the standard labels of every resource.
Usage: {{- include "book-mysql-m1.labels" . | nindent 4 }}
*/}}
{{- define "book-mysql-m1.labels" -}}
helm.sh/chart: {{ include "book-mysql-m1.chart" . | quote }}
{{ include "book-mysql-m1.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/component: "mysql"
app.kubernetes.io/part-of: "book"
{{- end }}

{{/*
book-mysql-m1.selectorLabels: the labels that tie pods to their Deployment and
Service; never change them on a running release.
Usage: {{- include "book-mysql-m1.selectorLabels" . | nindent 6 }}
*/}}
{{- define "book-mysql-m1.selectorLabels" -}}
app.kubernetes.io/name: {{ include "book-mysql-m1.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
book-mysql-m1.serviceAccountName: the ServiceAccount the pods run as.
Usage: {{ include "book-mysql-m1.serviceAccountName" . }}
*/}}
{{- define "book-mysql-m1.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "book-mysql-m1.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
