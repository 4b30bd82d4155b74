// /changes/:ref/edit: the requester edits a change while it is still `new`. Saves carry the
// version that was loaded; if someone else saved meanwhile (409 STALE_VERSION) the person is
// told, the latest version is fetched, and they choose when to load it over their edits.
import type { ChangeDetail } from '@cabinet/contracts'
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core'
import { notifications } from '@mantine/notifications'
import { IconRefresh } from '@tabler/icons-react'
import { useMemo, useState } from 'react'
import { Link, useNavigate, useParams } from 'react-router'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { useSession } from '../auth/api'
import { canEditChange } from '../auth/permissions'
import { useChangeDetail, useReloadChange, useUpdateChange } from './api'
import { type ChangeDraft, draftFromChange, toUpdateBody } from './change-draft'
import { ChangeForm } from './ChangeForm'

export function EditChangePage() {
  const { ref = '' } = useParams()
  const detail = useChangeDetail(ref)
  const user = useSession().data?.user
  if (detail.isPending) return <LoadingBlock rows={10} label="Loading the change" />
  if (detail.isError) {
    return <ErrorState error={detail.error} title="Could not load the change" onRetry={() => void detail.refetch()} />
  }
  if (detail.data.state !== 'new') {
    return (
      <Alert color="yellow" title="This change can no longer be edited">
        <Stack gap="xs">
          <Text size="sm">
            {detail.data.number} is in state “{detail.data.state}”. Only changes in state “new” can be edited.
          </Text>
          <Group>
            <Button component={Link} to={`/changes/${detail.data.number}`} size="xs" variant="light">
              Back to {detail.data.number}
            </Button>
          </Group>
        </Stack>
      </Alert>
    )
  }
  if (!canEditChange(user, detail.data)) {
    return (
      <Alert color="yellow" title="You cannot edit this change">
        <Stack gap="xs">
          <Text size="sm">Only the requester of {detail.data.number}, a change manager or an admin can edit it.</Text>
          <Group>
            <Button component={Link} to={`/changes/${detail.data.number}`} size="xs" variant="light">
              Back to {detail.data.number}
            </Button>
          </Group>
        </Stack>
      </Alert>
    )
  }
  return <EditChangeForm latest={detail.data} />
}

function EditChangeForm({ latest }: { latest: ChangeDetail }) {
  const navigate = useNavigate()
  const reload = useReloadChange()
  const update = useUpdateChange(latest.id)
  // The version the person is editing; background refetches must not reset their typing.
  const [baseline, setBaseline] = useState<ChangeDetail>(latest)
  const initial = useMemo<ChangeDraft>(() => draftFromChange(baseline), [baseline])
  const newerExists = latest.version > baseline.version

  const submit = async (draft: ChangeDraft) => {
    try {
      const change = await update.mutateAsync(toUpdateBody(draft, baseline.version))
      await navigate(`/changes/${change.number}`)
    } catch (error) {
      if (isApiError(error, 'STALE_VERSION')) {
        // The banner above the form explains and offers the newer version once it has arrived;
        // the notification reaches a person who is scrolled down at the Save button.
        notifications.show({ color: 'orange', title: 'Not saved', message: error.message })
        await reload(baseline)
        return
      }
      throw error
    }
  }

  const banner = newerExists ? (
    <Alert
      color="orange"
      variant="light"
      title="Someone else edited this change"
      role="alert"
      data-testid="stale-version"
    >
      <Stack gap="xs">
        <Text size="sm">
          Version {latest.version} was saved after you opened version {baseline.version}. Your edits cannot be saved
          over it. Load the latest version to continue (your unsaved edits here will be replaced).
        </Text>
        <Group>
          <Button
            size="xs"
            leftSection={<IconRefresh size={14} />}
            onClick={() => {
              update.reset()
              setBaseline(latest)
            }}
          >
            Load latest version
          </Button>
        </Group>
      </Stack>
    </Alert>
  ) : update.error && isApiError(update.error, 'STALE_VERSION') ? (
    <Alert
      color="orange"
      variant="light"
      title="Someone else edited this change"
      role="alert"
      data-testid="stale-version"
    >
      Fetching their version…
    </Alert>
  ) : null

  return (
    <Stack gap="md">
      <Title order={2}>
        Edit {baseline.number}: {baseline.title}
      </Title>
      <ChangeForm
        mode="edit"
        initial={initial}
        submitLabel="Save changes"
        onSubmit={submit}
        onCancel={() => void navigate(`/changes/${baseline.number}`)}
        currentImplementer={baseline.implementer}
        banner={banner}
        submitDisabled={newerExists}
      />
    </Stack>
  )
}
