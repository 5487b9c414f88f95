-- Kubernetes deployments (DeployBlueprintToTarget onto a DEPLOYMENT_TYPE_KUBERNETES target) share deployment_record
-- with the VM deployments, so one client request id is one deployment whichever the kind: target_type says which.
-- A Kubernetes row has no instance, host or SSH login, so those columns become optional. Its objects (Secret,
-- Deployment, Service, HorizontalPodAutoscaler) are all named kube_name, in kube_namespace of the kubeconfig context
-- kube_context; kube_objects lists the ones it made ("Kind/name", JSON). Env values are never stored (env_hash only).
ALTER TABLE deployment_record ADD COLUMN target_type VARCHAR(16) DEFAULT 'VM' NOT NULL;
ALTER TABLE deployment_record ADD COLUMN kube_context VARCHAR(253);
ALTER TABLE deployment_record ADD COLUMN kube_namespace VARCHAR(63);
ALTER TABLE deployment_record ADD COLUMN kube_name VARCHAR(63);
ALTER TABLE deployment_record ADD COLUMN kube_objects VARCHAR(1000);
ALTER TABLE deployment_record ALTER COLUMN provider DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN region DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN instance_id DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN host DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN ssh_port DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN ssh_user DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN container_name DROP NOT NULL;
ALTER TABLE deployment_record ALTER COLUMN remote_dir DROP NOT NULL;
-- principals may be up to 512 characters (V2 widened instance_record.caller; deployment_record kept 128)
ALTER TABLE deployment_record ALTER COLUMN caller SET DATA TYPE VARCHAR(512);
CREATE INDEX deployment_record_kube ON deployment_record (kube_context, kube_namespace, blueprint_id);
