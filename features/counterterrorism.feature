Feature: Counterterrorism, intelligence sharing and surveillance technology
  Coordination against an active terrorist threat, its priority rising with
  the measured impact (GTI 6 and 7.5) and with the deadliness of the conflict
  it comes with; intelligence shared, under strict
  handling rules, where fragmented governance hides the networks; dual-use
  surveillance technology only under human-rights conditions, and never to a
  rights-abusing, fragmented state; community resilience where extremists
  recruit among the jobless.

  Scenario Outline: Counterterrorism coordination follows an active threat, and its priority the measured impact
    Given an empty profile for Examplia
    And gti.score is <terrorism score>
    And local.extremist_recruitment_reports is <recruitment reported>
    When the profile is evaluated
    Then counterterrorism-coordination is recommended with <priority> priority
    And the rule active-threat-ct-coordination fires
    And the rule high-terrorism-impact <impact rule>

    Examples:
      | terrorism score | recruitment reported | priority | impact rule   |
      | 6.0             | false                | high     | fires         |
      | 5.99            | true                 | medium   | does not fire |
      | 3.0             | true                 | medium   | does not fire |

  Scenario: A low terrorism score calls for no counterterrorism coordination, even with recruitment reported
    Given an empty profile for Examplia
    And gti.score is 2.99
    And local.extremist_recruitment_reports is true
    When the profile is evaluated
    Then counterterrorism-coordination is not recommended
    And threat-assessment-frameworks is not recommended

  Scenario: Libya 2024: fragmented governance with entrenched crime calls for critical intelligence sharing under handling rules
    Given the Libya 2024 profile
    When the profile is evaluated
    Then intelligence-sharing-framework is recommended with critical priority
    And intelligence-sharing-framework carries a safeguard from fragmented-state-intelligence-sharing
    And the reasons for joint-threat-task-forces include the rule fragmented-state-intelligence-sharing

  Scenario: Egypt 2024: divided elites in a stable state are not fragmentation; intelligence sharing follows the terrorism score instead
    Given the Egypt 2024 profile
    When the profile is evaluated
    Then the signal governance-fragmentation does not hold
    And the rule fragmented-state-intelligence-sharing does not fire
    And intelligence-sharing-framework is recommended with high priority
    And the reasons for intelligence-sharing-framework include the rule high-terrorism-impact

  Scenario: Fragmented governance alone, without entrenched crime or an active threat, is not enough
    Given the Libya 2024 profile
    And goci.criminality is 6.4
    And gti.score is 2.9
    When the profile is evaluated
    Then the rule fragmented-state-intelligence-sharing does not fire

  Scenario: Egypt 2024: an active threat justifies surveillance technology, under human-rights oversight
    Given the Egypt 2024 profile
    When the profile is evaluated
    Then surveillance-technology-transfer is recommended with medium priority
    And surveillance-technology-transfer carries a safeguard from surveillance-technology-rights-safeguard
    And surveillance-technology-transfer is not withheld

  Scenario: Morocco 2024: no entrenched crime and no active threat, so no surveillance technology
    Given the Morocco 2024 profile
    When the profile is evaluated
    Then the rule surveillance-technology-for-crime-and-terror does not fire
    And surveillance-technology-transfer is not recommended

  Scenario: Where human-rights risk is not high, surveillance technology carries no human-rights conditions
    Given the Egypt 2024 profile
    And fsi.p3_human_rights_rule_of_law is 6.9
    And local.migrant_detention_abuse_reports is false
    When the profile is evaluated
    Then surveillance-technology-transfer is recommended
    And surveillance-technology-transfer carries no safeguard

  Scenario: Libya 2024: no surveillance technology to a rights-abusing, fragmented state, whatever else recommends it
    Given the Libya 2024 profile
    When the profile is evaluated
    Then surveillance-technology-transfer is withheld
    And surveillance-technology-transfer is not recommended

  Scenario: Libya 2024 with a human-rights score just under 9: the transfer goes ahead, with oversight
    Given the Libya 2024 profile
    And fsi.p3_human_rights_rule_of_law is 8.9
    When the profile is evaluated
    Then surveillance-technology-transfer is not withheld
    And surveillance-technology-transfer is recommended with medium priority
    And surveillance-technology-transfer carries a safeguard from surveillance-technology-rights-safeguard

  Scenario: Human-rights risk undecided for lack of a local observation: the oversight stays, as provisional
    Given the Egypt 2024 profile
    And fsi.p3_human_rights_rule_of_law is 6.9
    And local.migrant_detention_abuse_reports is missing
    When the profile is evaluated
    Then surveillance-technology-transfer is recommended with medium priority
    And surveillance-technology-transfer carries a provisional safeguard from surveillance-technology-rights-safeguard
    And the rule surveillance-technology-rights-safeguard is undetermined because local.migrant_detention_abuse_reports is missing

  Scenario: Libya 2024 without its governance observations: the transfer stands, but may be withheld
    Given the Libya 2024 profile
    And local.rival_governments is missing
    And fsi.c2_factionalized_elites is missing
    When the profile is evaluated
    Then surveillance-technology-transfer is recommended with medium priority
    And surveillance-technology-transfer may be withheld by surveillance-technology-withheld-fragmented
    And surveillance-technology-transfer carries a safeguard from surveillance-technology-rights-safeguard

  Scenario: Tunisia 2024: recruitment where the economy declines calls for community resilience
    Given the Tunisia 2024 profile
    When the profile is evaluated
    Then grassroots-ngo-partnerships is recommended with high priority
    And the reasons for grassroots-ngo-partnerships include the rule extremist-recruitment-prevention

  Scenario: Recruitment reported but the economy holding up: no prevention programme on that ground
    Given the Tunisia 2024 profile
    And fsi.e1_economic_decline is 7.4
    And local.youth_unemployment_pct is 29.9
    When the profile is evaluated
    Then the rule extremist-recruitment-prevention does not fire

  Scenario: Morocco 2024: without a youth unemployment figure the prevention rule cannot decide, and says why
    Given the Morocco 2024 profile
    When the profile is evaluated
    Then the rule extremist-recruitment-prevention is undetermined because local.youth_unemployment_pct is missing
    And the data gaps include local.youth_unemployment_pct

  Scenario Outline: Among the ten countries most affected by terrorism, coordination and intelligence are critical
    Given an empty profile for Examplia
    And gti.score is <terrorism score>
    When the profile is evaluated
    Then the rule terrorism-top-tier <outcome>

    Examples:
      | terrorism score | outcome       |
      | 7.5             | fires         |
      | 7.49            | does not fire |

  Scenario: Nigeria 2024 (GTI 8.065, 8th of 163): critical intelligence sharing, under the Principles on detainees
    Given the Nigeria 2024 profile
    When the profile is evaluated
    Then intelligence-sharing-framework is recommended with critical priority
    And the reasons for intelligence-sharing-framework include the rule terrorism-top-tier
    And intelligence-sharing-framework carries a safeguard from intelligence-rights-safeguard
    And counterterrorism-coordination carries a safeguard from intelligence-rights-safeguard

  Scenario: Yemen 2024: a moderate terrorism score inside a war raises coordination and intelligence to high
    Given the Yemen 2024 profile
    When the profile is evaluated
    Then the rule terrorism-in-armed-conflict fires
    And the reasons for counterterrorism-coordination include the rule terrorism-in-armed-conflict
    And the reason for counterterrorism-coordination cites 74.1

  Scenario Outline: Terrorism inside a conflict: high from 25 deaths per million, critical from 100
    Given an empty profile for Examplia
    And gti.score is <terrorism score>
    And local.extremist_recruitment_reports is false
    And acled.fatalities_per_million by period:
      | period | value        |
      | 2024   | <fatalities> |
    When the profile is evaluated
    Then the rule terrorism-in-armed-conflict <armed conflict>
    And the rule terrorism-in-lethal-conflict <lethal conflict>

    Examples:
      | terrorism score | fatalities | armed conflict | lethal conflict |
      | 4.5             | 100        | fires          | fires           |
      | 4.5             | 99.9       | fires          | does not fire   |
      | 4.5             | 24.9       | does not fire  | does not fire   |
      | 4.49            | 300        | does not fire  | does not fire   |

  Scenario: Kenya 2024: a human-rights score under 7 and no word on abuse of migrants: the intelligence conditions stay, as provisional
    Given the Kenya 2024 profile
    When the profile is evaluated
    Then intelligence-sharing-framework carries a provisional safeguard from intelligence-rights-safeguard

  Scenario: Kenya 2024 with no abuse of migrants reported: intelligence sharing without human-rights conditions
    Given the Kenya 2024 profile
    And local.migrant_detention_abuse_reports is false
    When the profile is evaluated
    Then the rule intelligence-rights-safeguard does not fire
    And intelligence-sharing-framework carries no safeguard
