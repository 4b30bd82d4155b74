// /changes/new: a requester raises a request for change. `?items=node:<uuid>,cluster:<uuid>`
// pre-selects affected items (links from elsewhere), resolved to their names first.
import { ConfigItemKind, type ConfigItemRef } from '@cabinet/contracts'
import { Alert, Button, Group, Stack, Text, Title } from '@mantine/core'
import { useMemo } from 'react'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { ErrorState, LoadingBlock } from '../../components/StatusViews'
import { useSession } from '../auth/api'
import { canCreateChange, canRaiseEmergency } from '../auth/permissions'
import { useResolvedConfigItems } from '../catalog/api'
import { useCreateChange } from './api'
import { type ChangeDraft, emptyDraft, toCreateBody } from './change-draft'
import { ChangeForm } from './ChangeForm'
import { NewChangeShortcuts } from '../templates/NewChangeShortcuts'

const UUID = /^[0-9a-f-]{36}$/i

function refsFromParam(param: string | null): ConfigItemRef[] {
  if (!param) return []
  return param.split(',').flatMap((entry) => {
    const [kind, id] = entry.split(':')
    const parsedKind = ConfigItemKind.safeParse(kind)
    return parsedKind.success && id && UUID.test(id) ? [{ kind: parsedKind.data, id }] : []
  })
}

export function NewChangePage() {
  // A read-only person (an auditor) who follows a link here is told so, not shown a form the API refuses.
  if (!canCreateChange(useSession().data?.user)) {
    return (
      <Stack gap="md">
        <Title order={2}>New change</Title>
        <Alert color="yellow" title="You cannot raise changes">
          <Stack gap="xs">
            <Text size="sm">Your roles give read-only access to changes.</Text>
            <Group>
              <Button component={Link} to="/changes" size="xs" variant="light">
                Back to changes
              </Button>
            </Group>
          </Stack>
        </Alert>
      </Stack>
    )
  }
  return <NewChangeForm />
}

function NewChangeForm() {
  const navigate = useNavigate()
  const [searchParams] = useSearchParams()
  const itemsParam = searchParams.get('items')
  const typeParam = searchParams.get('type')
  const refs = useMemo(() => refsFromParam(itemsParam), [itemsParam])
  const resolved = useResolvedConfigItems(refs)
  const create = useCreateChange()
  const emergencyAllowed = canRaiseEmergency(useSession().data?.user)

  // Memoised: the form resets whenever `initial` changes identity.
  const initial = useMemo<ChangeDraft>(
    () => ({
      ...emptyDraft(),
      ...(typeParam === 'emergency' && emergencyAllowed ? { type: 'emergency' as const } : {}),
      affectedItems: resolved.data?.items ?? [],
    }),
    [resolved.data, typeParam, emergencyAllowed],
  )

  const submit = async (draft: ChangeDraft) => {
    const change = await create.mutateAsync(toCreateBody(draft))
    await navigate(`/changes/${change.number}`)
  }

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>New change</Title>
        <NewChangeShortcuts emergency={emergencyAllowed} />
      </Group>
      {refs.length > 0 && resolved.isPending ? (
        <LoadingBlock label="Loading the pre-selected items" />
      ) : refs.length > 0 && resolved.isError ? (
        <ErrorState
          error={resolved.error}
          title="Could not load the pre-selected items"
          onRetry={() => void resolved.refetch()}
        />
      ) : (
        <ChangeForm
          mode="create"
          allowEmergency={emergencyAllowed}
          initial={initial}
          submitLabel="Create change"
          onSubmit={submit}
          onCancel={() => void navigate('/changes')}
        />
      )}
    </Stack>
  )
}
