// The risk questionnaire: the requester's answers feed the probability side of the risk matrix.
import type { RiskQuestionnaire } from '@cabinet/contracts'
import { Fieldset, Group, Radio, SimpleGrid, Switch } from '@mantine/core'
import type { QuestionnaireField } from './change-draft'

type Experience = RiskQuestionnaire['experience']
type Automation = RiskQuestionnaire['automation']
type Flag = 'testedInStaging' | 'rollbackTested' | 'requiresDowntime' | 'userVisible'

const EXPERIENCE: { value: Experience; label: string }[] = [
  { value: 'routine', label: 'Routine' },
  { value: 'done-before', label: 'Done before' },
  { value: 'first-time', label: 'First time' },
]
const AUTOMATION: { value: Automation; label: string }[] = [
  { value: 'automated', label: 'Automated' },
  { value: 'partly-automated', label: 'Partly automated' },
  { value: 'manual', label: 'Manual' },
]
const FLAGS: { key: Flag; label: string }[] = [
  { key: 'testedInStaging', label: 'Tested in staging' },
  { key: 'rollbackTested', label: 'Rollback has been tested' },
  { key: 'requiresDowntime', label: 'Requires downtime' },
  { key: 'userVisible', label: 'Visible to users' },
]

export interface RiskQuestionnaireFieldsProps {
  value: RiskQuestionnaire
  onChange: (next: RiskQuestionnaire) => void
  errors: Partial<Record<QuestionnaireField, string>>
}

export function RiskQuestionnaireFields({ value, onChange, errors }: RiskQuestionnaireFieldsProps) {
  return (
    <Fieldset legend="Risk questionnaire">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        <Radio.Group<Experience>
          label="Experience with this change"
          value={value.experience}
          onChange={(experience) => onChange({ ...value, experience })}
          error={errors['riskQuestionnaire.experience']}
        >
          <Group mt="xs" gap="md">
            {EXPERIENCE.map((option) => (
              <Radio key={option.value} value={option.value} label={option.label} />
            ))}
          </Group>
        </Radio.Group>
        <Radio.Group<Automation>
          label="Automation"
          value={value.automation}
          onChange={(automation) => onChange({ ...value, automation })}
          error={errors['riskQuestionnaire.automation']}
        >
          <Group mt="xs" gap="md">
            {AUTOMATION.map((option) => (
              <Radio key={option.value} value={option.value} label={option.label} />
            ))}
          </Group>
        </Radio.Group>
        {FLAGS.map((flag) => (
          <Switch
            key={flag.key}
            label={flag.label}
            checked={value[flag.key]}
            onChange={(event) => onChange({ ...value, [flag.key]: event.currentTarget.checked })}
            error={errors[`riskQuestionnaire.${flag.key}`]}
          />
        ))}
      </SimpleGrid>
    </Fieldset>
  )
}
