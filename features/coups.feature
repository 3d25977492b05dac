Feature: After a coup: no security assistance, cooperation through other channels
  UK practice after an unconstitutional change of government: no training,
  intelligence sharing or joint operations with the forces of the government
  that took power, bilateral or in a regional task force with its neighbours, and no equipment or surveillance technology, which cannot be
  recalled once handed over (withheld as a precaution while nobody has said
  whether the government holds power constitutionally). Cooperation moves to
  regional organisations, civil society, humanitarian and threat-assessment
  channels.

  Scenario: Mali 2024: a government that took power in a coup gets no training, intelligence or transfers
    Given the Mali 2024 profile
    When the profile is evaluated
    Then the rule coup-security-assistance-withheld fires
    And security-forces-training is withheld
    And joint-border-training is withheld
    And intelligence-sharing-framework is withheld
    And security-equipment-support is withheld
    And surveillance-technology-transfer is withheld
    And counterterrorism-coordination is recommended with critical priority
    And counterterrorism-coordination carries a safeguard from coup-security-assistance-withheld
    And threat-assessment-frameworks carries a safeguard from coup-security-assistance-withheld
    And the reason for security-forces-training cites unconstitutionally

  Scenario: Mali 2024: cooperation moves to regional organisations, civil society and threat assessment
    Given the Mali 2024 profile
    When the profile is evaluated
    Then regional-organisation-engagement is recommended with high priority
    And grassroots-ngo-partnerships is recommended with high priority
    And the reasons for regional-organisation-engagement include the rule coup-cooperation-channels
    And humanitarian-access-support is recommended with high priority

  Scenario: Mali 2024, had the government kept constitutional order: assistance goes ahead, under vetting
    Given the Mali 2024 profile
    And local.unconstitutional_government is false
    When the profile is evaluated
    Then the rule coup-security-assistance-withheld does not fire
    And the rule coup-transfers-withheld does not fire
    And the rule coup-cooperation-channels does not fire
    And intelligence-sharing-framework is recommended with critical priority
    And security-equipment-support is recommended with medium priority
    And security-equipment-support carries a safeguard from security-training-vetting
    And regional-organisation-engagement is not recommended

  Scenario: Syria 2024: nobody says whether the government holds power constitutionally: transfers wait, training may be withheld
    Given the Syria 2024 profile
    When the profile is evaluated
    Then entry-point-surveillance is withheld as a precaution by coup-transfers-withheld
    And security-forces-training may be withheld by coup-security-assistance-withheld
    And the rule coup-cooperation-channels is undetermined because local.unconstitutional_government is missing

  Scenario: Mali 2024: no regional task force with the forces that took power; the regional track goes through regional organisations
    Given the Mali 2024 profile
    When the profile is evaluated
    Then regional-task-forces is withheld
    And the reasons for regional-task-forces include the rule coup-security-assistance-withheld
    And the reason for regional-task-forces cites yes
    And regional-organisation-engagement is recommended with high priority

  Scenario: Mali 2024, had the government kept constitutional order: regional task forces under the Principles on detainees (GI-TOC arms trafficking 8.0, FSI P3 7.6)
    Given the Mali 2024 profile
    And local.unconstitutional_government is false
    When the profile is evaluated
    Then regional-task-forces is recommended with high priority
    And regional-task-forces is not withheld
    And regional-task-forces carries a safeguard from intelligence-rights-safeguard
    And the reason for regional-task-forces cites 8
    And the reason for regional-task-forces cites 7.6

  Scenario: Syria 2024: with no word on how the government holds power, regional task forces may be withheld
    Given the Syria 2024 profile
    When the profile is evaluated
    Then regional-task-forces may be withheld by coup-security-assistance-withheld

  Scenario Outline: After a coup, maritime coordination goes on as rescue only (Libya intercepted 17,190 at sea in 2023, IOM)
    Given an empty profile for Examplia
    And migration.interceptions_at_sea by period:
      | period | value  |
      | 2023   | 17,190 |
    And fsi.p3_human_rights_rule_of_law is 7.6
    And local.unconstitutional_government is <coup>
    When the profile is evaluated
    Then maritime-search-and-rescue-coordination is recommended with high priority
    And maritime-search-and-rescue-coordination is not withheld
    And maritime-search-and-rescue-coordination carries a safeguard from security-training-vetting
    And the rule coup-security-assistance-withheld <fires>

    Examples:
      | coup  | fires         |
      | true  | fires         |
      | false | does not fire |

  Scenario: After a coup, the rescue condition is attached to maritime coordination
    Given an empty profile for Examplia
    And migration.interceptions_at_sea by period:
      | period | value  |
      | 2023   | 17,190 |
    And local.unconstitutional_government is true
    When the profile is evaluated
    Then maritime-search-and-rescue-coordination carries a safeguard from coup-security-assistance-withheld
