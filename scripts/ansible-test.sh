#!/usr/bin/env bash
# Runs scripts/ansible/session.yml (Ansible's openstack.cloud collection over openstacksdk)
# against a running LUC cloud. Usage: ansible-test.sh <venv> <auth-url> <zone>
# Prints "ansible: N passed, N failed" (one per task).
set -uo pipefail
VENV=$1 AUTH=$2 ZONE=$3
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d -t luc-ansible-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
if [ ! -x "$VENV/bin/ansible-playbook" ]; then
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q ansible openstacksdk || { echo "could not install ansible"; echo "ansible: 0 passed, 1 failed"; exit 1; }
fi
# openstack.cloud 2.5 reads openstack.version.__version__ without importing openstack.version,
# and openstacksdk 4.22 no longer imports it itself: the collection's bug, worked around here.
SITE=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "import openstack.version" > "$SITE/luc-openstack-version.pth"
cat > "$WORK/clouds.yaml" <<YAML
clouds:
  luc:
    auth:
      auth_url: $AUTH
      username: admin
      password: admin
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    identity_api_version: 3
YAML
head -c 1048576 /dev/urandom > "$WORK/image.raw"
export OS_CLIENT_CONFIG_FILE=$WORK/clouds.yaml LUC_IMAGE_FILE=$WORK/image.raw LUC_ZONE=$ZONE
export ANSIBLE_LOCALHOST_WARNING=False ANSIBLE_INVENTORY_UNPARSED_WARNING=False ANSIBLE_PYTHON_INTERPRETER=$VENV/bin/python
"$VENV/bin/ansible-playbook" -i localhost, -c local "$HERE/ansible/session.yml" | tee "$WORK/out.txt"
OK=$(grep -oE 'ok=[0-9]+' "$WORK/out.txt" | tail -1 | cut -d= -f2); OK=${OK:-0}
CHANGED=$(grep -oE 'changed=[0-9]+' "$WORK/out.txt" | tail -1 | cut -d= -f2)
FAILED=$(grep -oE 'failed=[0-9]+' "$WORK/out.txt" | tail -1 | cut -d= -f2); FAILED=${FAILED:-1}
TOTAL=$(grep -c '^    - name:' "$HERE/ansible/session.yml")
# A failed task stops the play: the tasks after it count as failed too.
echo "ansible: $OK passed, $((TOTAL - OK)) failed (changed: ${CHANGED:-0})"
[ "$OK" -eq "$TOTAL" ] && [ "$FAILED" -eq 0 ]
