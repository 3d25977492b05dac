Feature: The security sector
  Capacity building and reform where armed groups fragment the security
  sector; reform against state-embedded crime and corruption; training where
  a single counterpart can absorb it; threat assessment and regular talks as
  political violence escalates; and human-rights vetting of the forces the
  UK trains wherever human-rights risk is high.

  Scenario: Libya 2024: a fragmented security sector riddled with state-embedded crime needs critical reform, and vetted training
    Given the Libya 2024 profile
    When the profile is evaluated
    Then security-sector-reform is recommended with critical priority
    And the reasons for security-sector-reform include the rule fragmented-security-capacity-building
    And the reasons for security-sector-reform include the rule security-sector-corruption-reform
    And security-forces-training is recommended with high priority
    And security-forces-training carries a safeguard from security-training-vetting

  Scenario: Human-rights score just under 7 and no word on abuse of migrants: vetting stays, as provisional
    Given the Libya 2024 profile
    And fsi.p3_human_rights_rule_of_law is 6.9
    And local.migrant_detention_abuse_reports is missing
    When the profile is evaluated
    Then security-forces-training is recommended with high priority
    And security-forces-training carries a provisional safeguard from security-training-vetting
    And joint-border-training carries a provisional safeguard from security-training-vetting

  Scenario: Libya 2023: state-embedded actors at 8.5 fall short of the corruption-reform rule
    Given the Libya 2023 profile
    When the profile is evaluated
    Then the rule security-sector-corruption-reform does not fire
    And security-sector-reform is recommended with high priority

  Scenario Outline: Reform against corruption needs both weak control of corruption and state-embedded crime
    Given an empty profile for Examplia
    And wgi.control_of_corruption is <control of corruption>
    And goci.state_embedded_actors is <state-embedded actors>
    When the profile is evaluated
    Then the rule security-sector-corruption-reform <outcome>

    Examples:
      | control of corruption | state-embedded actors | outcome       |
      | -1.0                  | 9.0                   | fires         |
      | -0.99                 | 9.5                   | does not fire |
      | -2.0                  | 8.9                   | does not fire |

  Scenario: A security apparatus just short of collapse is not a fragmented sector
    Given the Libya 2024 profile
    And fsi.c1_security_apparatus is 7.9
    When the profile is evaluated
    Then the rule fragmented-security-capacity-building does not fire

  Scenario Outline: Training goes where one counterpart can absorb it: a middling apparatus, no fragmentation
    Given the Tunisia 2024 profile
    And fsi.c1_security_apparatus is <security apparatus>
    When the profile is evaluated
    Then the rule stable-counterpart-training <outcome>

    Examples:
      | security apparatus | outcome       |
      | 5.0                | fires         |
      | 8.0                | fires         |
      | 4.9                | does not fire |
      | 8.1                | does not fire |

  Scenario: Libya 2024: with no single counterpart, no training aimed at one
    Given the Libya 2024 profile
    And fsi.c1_security_apparatus is 6.0
    When the profile is evaluated
    Then the rule stable-counterpart-training does not fire

  Scenario Outline: Escalating political violence calls for threat assessment and regular talks
    Given an empty profile for Examplia
    And acled.political_violence_events is <political violence events>
    And acled.events_targeting_civilians is <events targeting civilians>
    When the profile is evaluated
    Then threat-assessment-frameworks <verdict>

    Examples:
      | political violence events | events targeting civilians | verdict                           |
      | 150                       | 0                          | is recommended with high priority |
      | 149                       | 75                         | is recommended with high priority |
      | 149                       | 74                         | is not recommended                |

  Scenario: Libya 2024: the reason for threat assessment cites the 227 political-violence events
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the rule political-violence-escalation fires
    And the reason for threat-assessment-frameworks cites 227

  Scenario: Libya 2023, a quieter year, shows no escalation
    Given the Libya 2023 profile
    When the profile is evaluated
    Then the rule political-violence-escalation does not fire

  Scenario: Tunisia 2024 with a human-rights score under 7 and no abuse reports: training without vetting conditions
    Given the Tunisia 2024 profile
    And fsi.p3_human_rights_rule_of_law is 6.9
    And local.migrant_detention_abuse_reports is false
    When the profile is evaluated
    Then security-forces-training is recommended
    And security-forces-training carries no safeguard
