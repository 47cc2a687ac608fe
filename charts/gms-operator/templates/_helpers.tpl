{{/* Chart name, truncated to the 63 characters a DNS label allows. */}}
{{- define "gms-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; objects get suffixes, so keep room under 63 characters. */}}
{{- define "gms-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "gms-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gms-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gms-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gms-operator.labels" -}}
helm.sh/chart: {{ include "gms-operator.chart" . }}
{{ include "gms-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: gms-operator
{{- end }}

{{- define "gms-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gms-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "gms-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "gms-operator.leaderElectionNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.namespace }}
{{- end }}

{{- define "gms-operator.webhookServiceName" -}}
{{- printf "%s-webhook" (include "gms-operator.fullname" .) }}
{{- end }}

{{- define "gms-operator.webhookSecretName" -}}
{{- printf "%s-webhook-tls" (include "gms-operator.fullname" .) }}
{{- end }}

{{- define "gms-operator.webhookConfigName" -}}
{{- printf "%s.gms.chatops.io" (include "gms-operator.fullname" .) }}
{{- end }}

{{/* Namespaces the operator watches, de-duplicated; empty means all. */}}
{{- define "gms-operator.watchNamespaces" -}}
{{- join "," (uniq .Values.watchNamespaces) }}
{{- end }}

{{- /*
Namespaced permissions of the reconciler. Granted cluster-wide (ClusterRole + ClusterRoleBinding)
when watchNamespaces is empty, else by a Role + RoleBinding in each watched namespace.
Verbs are the least the operator needs (domain/operator-patterns.md §4: status subresource,
finalizers update, events create/patch); Kubernetes RBAC cannot narrow reads to the Secrets a
ChatService references, so Secrets are readable in the watched namespaces only.
*/}}
{{- define "gms-operator.namespacedRules" }}
# The API this operator serves: read specs, write status, manage finalizers.
- apiGroups: ["gms.chatops.io"]
  resources: ["chatservices", "pushproviders"]
  verbs: ["get", "list", "watch", "patch", "update"]
- apiGroups: ["gms.chatops.io"]
  resources: ["chatservices/status", "pushproviders/status"]
  verbs: ["get", "patch", "update"]
- apiGroups: ["gms.chatops.io"]
  resources: ["chatservices/finalizers", "pushproviders/finalizers"]
  verbs: ["update"]
# Objects a ChatService becomes (server-side apply; owner references clean them up):
# static (immutable, hash-named) and dynamic ConfigMaps, the credentials Secret, Services.
# Secrets: read the ones ChatServices and PushProviders reference, write the operator's own.
- apiGroups: [""]
  resources: ["configmaps", "secrets", "services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# GMS nodes: a StatefulSet with OnDelete updates; the rollout deletes one pod at a time and
# records its progress in pod annotations (DESIGN.md, "Rollout").
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "patch", "delete"]
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Load balancers the operator runs for spec.expose.mode nginx, haproxy, apache (server-side
# apply is a PATCH; delete prunes the one of a previous mode).
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Load-balancer objects for spec.expose.mode ingress-nginx and gateway-api.
- apiGroups: ["networking.k8s.io"]
  resources: ["ingresses"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Events for every significant step (both APIs: recorders differ in which one they use).
- apiGroups: ["", "events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end }}
