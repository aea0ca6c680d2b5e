{{- define "fogbridge.labels" -}}
app.kubernetes.io/name: fogbridge-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
{{- define "fogbridge.selector" -}}
app.kubernetes.io/name: fogbridge-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
