{{/*
book-nginx-n1.name: the chart name, or .Values.nameOverride; at most 63 characters
(the seed's DNS rule). Usage: {{ include "book-nginx-n1.name" . }}
*/}}
{{- define "book-nginx-n1.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
book-nginx-n1.fullname: the name of every resource of a release, at most 63
characters. The release name alone when it already contains the chart name (the usual
`helm install book-nginx-n1 ./book-nginx-n1`).
Usage: {{ include "book-nginx-n1.fullname" . }}
*/}}
{{- define "book-nginx-n1.fullname" -}}
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
book-nginx-n1.resourceName: fullname plus a suffix, still at most 63 characters.
Usage: {{ include "book-nginx-n1.resourceName" (list . "env") }}
*/}}
{{- define "book-nginx-n1.resourceName" -}}
{{- $suffix := index . 1 }}
{{- $base := include "book-nginx-n1.fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base $suffix }}
{{- end }}

{{/*
book-nginx-n1.chart: chart name and version for the helm.sh/chart label.
Usage: {{ include "book-nginx-n1.chart" . }}
*/}}
{{- define "book-nginx-n1.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
book-nginx-n1.labels: the standard labels of every resource.
Usage: {{- include "book-nginx-n1.labels" . | nindent 4 }}
*/}}
{{- define "book-nginx-n1.labels" -}}
helm.sh/chart: {{ include "book-nginx-n1.chart" . | quote }}
{{ include "book-nginx-n1.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/component: "nginx"
app.kubernetes.io/part-of: "book"
{{- end }}

{{/*
book-nginx-n1.selectorLabels: the labels that tie pods to their Deployment and
Service; never change them on a running release.
Usage: {{- include "book-nginx-n1.selectorLabels" . | nindent 6 }}
*/}}
{{- define "book-nginx-n1.selectorLabels" -}}
app.kubernetes.io/name: {{ include "book-nginx-n1.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
book-nginx-n1.serviceAccountName: the ServiceAccount the pods run as.
Usage: {{ include "book-nginx-n1.serviceAccountName" . }}
*/}}
{{- define "book-nginx-n1.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "book-nginx-n1.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
