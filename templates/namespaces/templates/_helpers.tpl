{{/*
mkchart-namespaces.labels: the standard labels of every object of this chart.
Usage: {{- include "mkchart-namespaces.labels" . | nindent 4 }}
*/}}
{{- define "mkchart-namespaces.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/name: {{ .Chart.Name | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/component: namespace
{{- end }}

{{/*
mkchart-namespaces.metadata: the name, namespace and labels of an object in one of the
namespaces. Usage: {{- include "mkchart-namespaces.metadata" (list $ $namespace "name") | nindent 2 }}
*/}}
{{- define "mkchart-namespaces.metadata" -}}
name: {{ index . 2 | quote }}
namespace: {{ index . 1 | quote }}
labels:
  {{- include "mkchart-namespaces.labels" (index . 0) | nindent 2 }}
{{- end }}
