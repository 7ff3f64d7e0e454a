{{/*
[[ cookiecutter.name ]].name: the chart name, or .Values.nameOverride; at most 63 characters
(the seed's DNS rule). Usage: {{ include "[[ cookiecutter.name ]].name" . }}
*/}}
{{- define "[[ cookiecutter.name ]].name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
[[ cookiecutter.name ]].fullname: the name of every resource of a release, at most 63
characters. The release name alone when it already contains the chart name (the usual
`helm install [[ cookiecutter.name ]] ./[[ cookiecutter.name ]]`).
Usage: {{ include "[[ cookiecutter.name ]].fullname" . }}
*/}}
{{- define "[[ cookiecutter.name ]].fullname" -}}
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
[[ cookiecutter.name ]].resourceName: fullname plus a suffix, still at most 63 characters.
Usage: {{ include "[[ cookiecutter.name ]].resourceName" (list . "env") }}
*/}}
{{- define "[[ cookiecutter.name ]].resourceName" -}}
{{- $suffix := index . 1 }}
{{- $base := include "[[ cookiecutter.name ]].fullname" (index . 0) | trunc (int (sub 62 (len $suffix))) | trimSuffix "-" }}
{{- printf "%s-%s" $base $suffix }}
{{- end }}

{{/*
[[ cookiecutter.name ]].chart: chart name and version for the helm.sh/chart label.
Usage: {{ include "[[ cookiecutter.name ]].chart" . }}
*/}}
{{- define "[[ cookiecutter.name ]].chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
[[ cookiecutter.name ]].labels: the standard labels of every resource.
Usage: {{- include "[[ cookiecutter.name ]].labels" . | nindent 4 }}
*/}}
{{- define "[[ cookiecutter.name ]].labels" -}}
helm.sh/chart: {{ include "[[ cookiecutter.name ]].chart" . | quote }}
{{ include "[[ cookiecutter.name ]].selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | toString | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/component: [[ cookiecutter.chart.serverType | tojson ]]
[%- if cookiecutter.chart.business %]
app.kubernetes.io/part-of: [[ cookiecutter.chart.business | tojson ]]
[%- endif %]
{{- end }}

{{/*
[[ cookiecutter.name ]].selectorLabels: the labels that tie pods to their Deployment and
Service; never change them on a running release.
Usage: {{- include "[[ cookiecutter.name ]].selectorLabels" . | nindent 6 }}
*/}}
{{- define "[[ cookiecutter.name ]].selectorLabels" -}}
app.kubernetes.io/name: {{ include "[[ cookiecutter.name ]].name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
{{- end }}

{{/*
[[ cookiecutter.name ]].serviceAccountName: the ServiceAccount the pods run as.
Usage: {{ include "[[ cookiecutter.name ]].serviceAccountName" . }}
*/}}
{{- define "[[ cookiecutter.name ]].serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "[[ cookiecutter.name ]].fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}
