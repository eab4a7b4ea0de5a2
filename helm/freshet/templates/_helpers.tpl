{{/*
Names, labels and the checks every template relies on.
*/}}

{{- define "freshet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every resource name: <release>-<chart>, or the release name when it contains the chart name. */}}
{{- define "freshet.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "freshet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The JobManager Service name: TaskManagers and clients reach the JobManager under it. */}}
{{- define "freshet.jobManagerName" -}}
{{- printf "%s-jobmanager" (include "freshet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "freshet.taskManagerName" -}}
{{- printf "%s-taskmanager" (include "freshet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "freshet.configMapName" -}}
{{- printf "%s-config" (include "freshet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "freshet.s3SecretName" -}}
{{- if .Values.s3.existingSecret.name -}}
{{- .Values.s3.existingSecret.name -}}
{{- else -}}
{{- printf "%s-s3" (include "freshet.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "freshet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "freshet.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "freshet.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "freshet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "freshet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "freshet.labels" -}}
helm.sh/chart: {{ include "freshet.chart" . }}
{{ include "freshet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Selector labels of one component; call with (dict "root" $ "component" "jobmanager"). */}}
{{- define "freshet.componentSelectorLabels" -}}
{{ include "freshet.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "freshet.componentLabels" -}}
{{ include "freshet.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
The config.yaml keys the chart sets itself. A key of `config` among them is rejected (see
freshet.validate), so a value cannot silently disagree with the Services and probes.
*/}}
{{- define "freshet.managedConfig" -}}
{{- $jm := include "freshet.jobManagerName" . -}}
{{- $managed := dict
  "jobmanager.rpc.address" $jm
  "jobmanager.rpc.port" (int .Values.jobManager.ports.rpc)
  "jobmanager.bind-host" "0.0.0.0"
  "rest.address" $jm
  "rest.port" (int .Values.jobManager.ports.rest)
  "rest.bind-address" "0.0.0.0"
  "taskmanager.bind-host" "0.0.0.0"
  "taskmanager.data.port" (int .Values.taskManager.ports.data)
  "taskmanager.health.port" (int .Values.taskManager.ports.health)
  "taskmanager.numberOfTaskSlots" (int .Values.taskManager.numberOfTaskSlots)
-}}
{{- if .Values.taskManager.persistence.enabled -}}
{{- $_ := set $managed "taskmanager.state.local.root-dirs" .Values.taskManager.persistence.mountPath -}}
{{- end -}}
{{- toYaml $managed -}}
{{- end -}}

{{/* The locations in `config` (and the bundle URL) that may point at S3. */}}
{{- define "freshet.usesS3" -}}
{{- $uses := false -}}
{{- range $key := list "state.checkpoints.dir" "execution.checkpointing.dir" "state.savepoints.dir" "execution.checkpointing.savepoint-dir" "high-availability.storageDir" -}}
{{- if hasPrefix "s3://" (toString (index $.Values.config $key | default "")) -}}
{{- $uses = true -}}
{{- end -}}
{{- end -}}
{{- if and (eq $.Values.mode "application") (hasPrefix "s3://" $.Values.job.bundle.url) -}}
{{- $uses = true -}}
{{- end -}}
{{- if $uses }}true{{ end -}}
{{- end -}}

{{/* Whether the pods get AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from a Secret. */}}
{{- define "freshet.hasS3Secret" -}}
{{- if or .Values.s3.existingSecret.name (and .Values.s3.accessKey .Values.s3.secretKey) }}true{{ end -}}
{{- end -}}

{{/* Fails rendering with a message saying what to change; included by the ConfigMap template. */}}
{{- define "freshet.validate" -}}
{{- $managed := include "freshet.managedConfig" . | fromYaml -}}
{{- $fromValues := dict
  "rest.port" "jobManager.ports.rest"
  "jobmanager.rpc.port" "jobManager.ports.rpc"
  "taskmanager.data.port" "taskManager.ports.data"
  "taskmanager.health.port" "taskManager.ports.health"
  "taskmanager.numberOfTaskSlots" "taskManager.numberOfTaskSlots"
  "taskmanager.state.local.root-dirs" "taskManager.persistence (enabled, mountPath)"
-}}
{{- range $key, $_ := .Values.config -}}
{{- if hasKey $fromValues $key -}}
{{- fail (printf "config.%s is set by the chart; set %s instead" $key (get $fromValues $key)) -}}
{{- end -}}
{{- if or (hasKey $managed $key) (eq $key "taskmanager.host") -}}
{{- fail (printf "config.%s is set by the chart (Service name, bind-all addresses, pod IP); remove it from config" $key) -}}
{{- end -}}
{{- if has $key (list "s3.access-key" "s3.secret-key") -}}
{{- fail (printf "config.%s would put an S3 credential into the ConfigMap; set s3.existingSecret or s3.accessKey/s3.secretKey instead" $key) -}}
{{- end -}}
{{- end -}}
{{- if and (or .Values.s3.accessKey .Values.s3.secretKey) (not (and .Values.s3.accessKey .Values.s3.secretKey)) (not .Values.s3.existingSecret.name) -}}
{{- fail "s3.accessKey and s3.secretKey must be set together" -}}
{{- end -}}
{{- if and (include "freshet.usesS3" .) (not (include "freshet.hasS3Secret" .)) (not .Values.s3.useDefaultCredentialsChain) -}}
{{- fail "config stores checkpoints, savepoints, HA data or the job bundle on S3 (s3://) but no S3 credentials are given; set s3.existingSecret.name, or s3.accessKey and s3.secretKey, or s3.useDefaultCredentialsChain=true (e.g. with IRSA)" -}}
{{- end -}}
{{- if eq .Values.mode "application" -}}
{{- $bundle := .Values.job.bundle -}}
{{- $sources := 0 -}}
{{- if or $bundle.configMap.name $bundle.configMap.key -}}
{{- if not (and $bundle.configMap.name $bundle.configMap.key) -}}
{{- fail "job.bundle.configMap needs both name and key" -}}
{{- end -}}
{{- $sources = add1 $sources -}}
{{- end -}}
{{- if or $bundle.volume.source $bundle.volume.path -}}
{{- if not (and $bundle.volume.source $bundle.volume.path) -}}
{{- fail "job.bundle.volume needs both source (a volume source) and path (the bundle inside it)" -}}
{{- end -}}
{{- $sources = add1 $sources -}}
{{- end -}}
{{- if $bundle.url -}}
{{- $sources = add1 $sources -}}
{{- end -}}
{{- if ne $sources 1 -}}
{{- fail (printf "mode=application needs exactly one job bundle source (job.bundle.configMap, job.bundle.volume or job.bundle.url), got %d" $sources) -}}
{{- end -}}
{{- if not (index .Values.config "high-availability.storageDir") -}}
{{- fail "mode=application needs config.high-availability.storageDir so that a restarted JobManager resumes the job from its latest checkpoint instead of submitting it again; e.g. set jobManager.persistence.enabled=true and config.high-availability.storageDir=file:///opt/freshet/ha" -}}
{{- end -}}
{{- if and .Values.job.allowNonRestoredState (not .Values.job.savepointPath) -}}
{{- fail "job.allowNonRestoredState needs job.savepointPath" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
"true" when high-availability.storageDir is a local path outside the JobManager's persistent
volume: it would not survive a rescheduled pod (NOTES.txt warns).
*/}}
{{- define "freshet.haDirIsEphemeral" -}}
{{- $dir := toString (index .Values.config "high-availability.storageDir" | default "") -}}
{{- if and $dir (or (hasPrefix "file://" $dir) (hasPrefix "/" $dir)) -}}
{{- $path := trimPrefix "file://" $dir -}}
{{- $mount := trimSuffix "/" .Values.jobManager.persistence.mountPath -}}
{{- if not (and .Values.jobManager.persistence.enabled (or (eq $path $mount) (hasPrefix (printf "%s/" $mount) $path))) -}}
true
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The bundle path the JobManager passes to standalone-job. */}}
{{- define "freshet.bundlePath" -}}
{{- $bundle := .Values.job.bundle -}}
{{- if $bundle.configMap.name -}}
/opt/freshet/usrlib/{{ $bundle.configMap.key }}
{{- else if $bundle.volume.path -}}
/opt/freshet/usrlib/{{ trimPrefix "/" $bundle.volume.path }}
{{- else -}}
{{ $bundle.url }}
{{- end -}}
{{- end -}}

{{/* Environment of both containers: S3 credentials from the Secret. */}}
{{- define "freshet.s3Env" -}}
{{- if include "freshet.hasS3Secret" . }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      name: {{ include "freshet.s3SecretName" . }}
      key: {{ ternary .Values.s3.existingSecret.accessKeyKey "access-key" (ne .Values.s3.existingSecret.name "") }}
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "freshet.s3SecretName" . }}
      key: {{ ternary .Values.s3.existingSecret.secretKeyKey "secret-key" (ne .Values.s3.existingSecret.name "") }}
{{- end -}}
{{- end -}}

{{/* Pod annotation that rolls the pods when config.yaml changes. */}}
{{- define "freshet.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- end -}}
