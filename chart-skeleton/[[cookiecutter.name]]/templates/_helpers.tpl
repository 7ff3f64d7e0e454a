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
{{- /* the release name holds the chart name, or is a chart name over 53 cut to the 53
     characters Helm takes for a release (the next steps install it so) */}}
{{- if or (contains $name .Release.Name) (and (gt (len $name) 53) (hasPrefix .Release.Name $name)) }}
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
{{- include "[[ cookiecutter.name ]].labelValue" (printf "%s-%s" .Chart.Name .Chart.Version) }}
{{- end }}

{{/*
[[ cookiecutter.name ]].labels: the standard labels of every resource.
Usage: {{- include "[[ cookiecutter.name ]].labels" . | nindent 4 }}
*/}}
{{- define "[[ cookiecutter.name ]].labels" -}}
helm.sh/chart: {{ include "[[ cookiecutter.name ]].chart" . | quote }}
{{ include "[[ cookiecutter.name ]].selectorLabels" . }}
{{- with include "[[ cookiecutter.name ]].version" . }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/component: [[ cookiecutter.chart.serverType | tojson ]]
[%- if cookiecutter.chart.business %]
app.kubernetes.io/part-of: [[ cookiecutter.chart.business | tojson ]]
[%- endif %]
{{- end }}

{{/*
[[ cookiecutter.name ]].labelValue: any text as a label value the API server accepts: a
character a label may not hold becomes '_' (a '+' of a version, say), at most 63
characters, starting and ending with a letter or digit (`_v1` gives `v1`, `1.0--` gives
`1.0`, a cut that ends in '.' loses the '.'); empty when nothing is left.
Usage: {{ include "[[ cookiecutter.name ]].labelValue" "some text" }}
*/}}
{{- define "[[ cookiecutter.name ]].labelValue" -}}
{{- $value := regexReplaceAll "[^-A-Za-z0-9_.]" (toString .) "_" | trunc 63 }}
{{- regexReplaceAll "^[^A-Za-z0-9]+|[^A-Za-z0-9]+$" $value "" }}
{{- end }}

{{/*
[[ cookiecutter.name ]].version: the image tag as a label value (see labelValue); the
version label is left out when nothing of the tag is left.
Usage: {{ include "[[ cookiecutter.name ]].version" . }}
*/}}
{{- define "[[ cookiecutter.name ]].version" -}}
{{- include "[[ cookiecutter.name ]].labelValue" .Values.image.tag }}
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

{{/*
[[ cookiecutter.name ]].mebibytes: a memory quantity (512Mi, 1Gi, 1.5Gi, 800M, 1073741824) in whole
mebibytes, for the memory budget; fails naming the value when it is no memory quantity.
Usage: {{ include "[[ cookiecutter.name ]].mebibytes" .Values.resources.limits.memory }}
*/}}
{{- define "[[ cookiecutter.name ]].mebibytes" -}}
{{- /* Helm reads an unquoted 1073741824 as a float, which toString would print as 1.073741824e+09 */}}
{{- $text := kindIs "float64" . | ternary (printf "%.0f" .) (toString .) }}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" $text }}
{{- $unit := trimPrefix $number $text }}
{{- $perMi := dict "" 0.00000095367431640625 "Ki" 0.0009765625 "Mi" 1.0 "Gi" 1024.0 "Ti" 1048576.0 "k" 0.00095367431640625 "M" 0.95367431640625 "G" 953.67431640625 "T" 953674.31640625 }}
{{- if or (not $number) (not (hasKey $perMi $unit)) }}
{{- fail (printf "resources.limits.memory: %q is no memory quantity mkchart can read (a number with Ki, Mi, Gi, Ti, k, M, G or T); write it as, say, 512Mi" $text) }}
{{- end }}
{{- mulf (float64 $number) (get $perMi $unit) | floor | int64 }}
{{- end }}

{{/*
[[ cookiecutter.name ]].secretKeys: the keys of the generated Secret as a JSON list: generatedSecret.keys,
and password.env when password.enabled.
Usage: {{ include "[[ cookiecutter.name ]].secretKeys" . | fromJsonArray }}
*/}}
{{- define "[[ cookiecutter.name ]].secretKeys" -}}
{{- $keys := (.Values.generatedSecret).keys | default list }}
{{- if (.Values.password).enabled }}
{{- $keys = append $keys .Values.password.env | uniq }}
{{- end }}
{{- toJson $keys }}
{{- end }}
[%- if cookiecutter.chart.workload == "job" %]

{{/*
[[ cookiecutter.name ]].jobName: the Job's name. A Job's pod template cannot be changed once it
exists, so an ordinary Job is named after the release revision (NAME-r3): each upgrade runs
a new Job and Helm deletes the last one. A hook keeps the plain name, since Helm deletes
the old hook Job before it creates the new one (job.hookDeletePolicy).
Usage: {{ include "[[ cookiecutter.name ]].jobName" . }}
*/}}
{{- define "[[ cookiecutter.name ]].jobName" -}}
{{- if .Values.job.hook }}
{{- include "[[ cookiecutter.name ]].fullname" . }}
{{- else }}
{{- include "[[ cookiecutter.name ]].resourceName" (list . (printf "r%d" .Release.Revision)) }}
{{- end }}
{{- end }}

{{/*
[[ cookiecutter.name ]].hookFirst: when the Job is a Helm hook (job.hook), the annotations that make the
objects it uses (its ServiceAccount and ConfigMaps) hooks of the same points, one weight
earlier: a pre-install hook runs before the release's ordinary objects exist.
Usage: {{- with include "[[ cookiecutter.name ]].hookFirst" . }}
*/}}
{{- define "[[ cookiecutter.name ]].hookFirst" -}}
{{- with .Values.job.hook }}
helm.sh/hook: {{ join "," . | quote }}
helm.sh/hook-weight: {{ sub (int $.Values.job.hookWeight) 1 | quote }}
helm.sh/hook-delete-policy: before-hook-creation
{{- end }}
{{- end }}
[%- endif %]
