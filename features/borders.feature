Feature: Borders, trafficking and smuggling
  Border support goes where smuggling networks meet weak borders or weak rule
  of law; a surge in departures calls for an immediate, regional response;
  traffickers are pursued through the courts; and wherever migrants are
  abused, border support carries protection conditions.

  Scenario: Libya 2024, a smuggling hub under fragmented governance, gets critical joint border training under protection conditions
    Given the Libya 2024 profile
    When the profile is evaluated
    Then joint-border-training is recommended with critical priority
    And the reasons for joint-border-training include the rule fragmented-smuggling-hub
    And the reason for joint-border-training cites 9.5
    And joint-border-training carries a safeguard from migrant-protection-conditions
    And joint-threat-task-forces is recommended with high priority
    And entry-point-surveillance is recommended with high priority

  Scenario: Libya 2023, with a smuggling score of 8, is not yet a smuggling hub
    Given the Libya 2023 profile
    When the profile is evaluated
    Then the rule fragmented-smuggling-hub does not fire
    But the rule smuggling-networks-border-collaboration fires
    And joint-border-training is recommended with high priority

  Scenario Outline: Joint border security against smuggling networks needs a strong market and weak borders or weak rule of law
    Given the Tunisia 2024 profile
    And goci.human_smuggling is <human smuggling>
    And wgi.rule_of_law is <rule of law>
    And local.border_control_capacity is <border control>
    When the profile is evaluated
    Then the rule smuggling-networks-border-collaboration <outcome>

    Examples:
      | human smuggling | rule of law | border control | outcome       |
      | 8.0             | -1.0        | partial        | fires         |
      | 8.0             | -0.99       | partial        | does not fire |
      | 8.0             | -0.14       | weak           | fires         |
      | 7.5             | -1.5        | weak           | does not fire |

  Scenario Outline: Entry points are monitored where borders are weak and smuggling or arms trafficking is strong
    Given the Tunisia 2024 profile
    And local.border_control_capacity is <border control>
    And goci.human_smuggling is <human smuggling>
    And goci.arms_trafficking is <arms trafficking>
    When the profile is evaluated
    Then entry-point-surveillance <verdict>

    Examples:
      | border control | human smuggling | arms trafficking | verdict                            |
      | weak           | 8.0             | 3.0              | is recommended with high priority  |
      | weak           | 7.5             | 8.0              | is recommended with high priority  |
      | weak           | 7.5             | 7.5              | is not recommended                 |
      | partial        | 9.0             | 9.0              | is not recommended                 |

  Scenario: Departures up by a quarter call for immediate border training, awareness and a regional response
    Given an empty profile for Libya
    And migration.departures_to_italy by period:
      | period | value  |
      | 2022   | 40,000 |
      | 2023   | 40,000 |
      | 2024   | 50,000 |
    When the profile is evaluated
    Then the rule departure-surge-response fires
    And joint-border-training is recommended with critical priority
    And community-awareness-campaigns is recommended with high priority
    And regional-task-forces is recommended with high priority
    And the reason for joint-border-training cites +25.0%

  Scenario: Departures up by just under a quarter are not a surge
    Given an empty profile for Libya
    And migration.departures_to_italy by period:
      | period | value  |
      | 2022   | 40,000 |
      | 2023   | 40,000 |
      | 2024   | 49,999 |
    When the profile is evaluated
    Then the rule departure-surge-response does not fire

  Scenario: Libya 2024, where departures fell, shows no surge
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the signal trafficking-spike does not hold
    And the rule departure-surge-response does not fire

  Scenario: A single year of departures cannot show a surge, and the gap is reported
    Given the Algeria 2024 profile
    When the profile is evaluated
    Then the rule departure-surge-response is undetermined because migration.departures_to_italy is missing
    And the data gaps include migration.departures_to_italy

  Scenario Outline: A country from which 15,000 or more people reached Italy is a major departure country
    Given an empty profile for Examplia
    # two flat years: with one, the surge rule is undetermined, and silence needs data
    And migration.departures_to_italy by period:
      | period | value    |
      | 2023   | <latest> |
      | 2024   | <latest> |
    When the profile is evaluated
    Then regional-task-forces <verdict>

    Examples:
      | latest | verdict                           |
      | 15,000 | is recommended with high priority |
      | 14,999 | is not recommended                |

  Scenario: The reason names how many people reached Italy
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the rule major-departure-country fires
    And the reason for regional-task-forces cites 36,468

  Scenario Outline: Strong trafficking or smuggling markets call for extradition cooperation
    Given an empty profile for Examplia
    And goci.human_trafficking is <human trafficking>
    And goci.human_smuggling is <human smuggling>
    When the profile is evaluated
    Then extradition-cooperation <verdict>

    Examples:
      | human trafficking | human smuggling | verdict                           |
      | 8.0               | 1.0             | is recommended with high priority |
      | 1.0               | 8.0             | is recommended with high priority |
      | 7.5               | 7.5             | is not recommended                |

  Scenario Outline: Extradition to a partner with a high human-rights risk carries the assurances UK law requires
    Given an empty profile for Examplia
    And goci.human_trafficking is 8.0
    And fsi.p3_human_rights_rule_of_law is <human rights>
    And local.migrant_detention_abuse_reports is false
    When the profile is evaluated
    Then extradition-cooperation is recommended with high priority
    And extradition-cooperation <safeguard>

    Examples:
      | human rights | safeguard                                       |
      | 7.0          | carries a safeguard from intelligence-rights-safeguard |
      | 6.9          | carries no safeguard                            |

  Scenario: Reports of abuse of migrants put protection conditions on border support
    Given the Libya 2024 profile
    When the profile is evaluated
    Then the rule migrant-protection-conditions fires
    And human-rights-promotion is recommended with high priority
    And joint-border-training carries a safeguard from migrant-protection-conditions
    And entry-point-surveillance carries a safeguard from migrant-protection-conditions

  Scenario: Without reports of abuse of migrants, border training is still vetted where human-rights risk is high
    Given the Libya 2024 profile
    And local.migrant_detention_abuse_reports is false
    When the profile is evaluated
    Then the rule migrant-protection-conditions does not fire
    But joint-border-training carries a safeguard from security-training-vetting

  Scenario Outline: Where trafficking meets little victim support, awareness and victim support follow
    Given an empty profile for Examplia
    And goci.human_trafficking is <human trafficking>
    And goci.victim_and_witness_support is <victim support>
    When the profile is evaluated
    Then the rule trafficking-victim-support <outcome>

    Examples:
      | human trafficking | victim support | outcome          |
      | 7.0               | 3.0            | fires            |
      | 6.5               | 1.0            | does not fire    |
      | 9.0               | 3.5            | does not fire    |
      | 9.0               | missing        | is undetermined  |

  Scenario: Libya 2024: the sea route runs through Libyan waters: rescue coordination, under protection conditions
    Given the Libya 2024 profile
    When the profile is evaluated
    Then maritime-search-and-rescue-coordination is recommended with high priority
    And maritime-search-and-rescue-coordination carries a safeguard from migrant-protection-conditions
    And maritime-search-and-rescue-coordination carries a safeguard from security-training-vetting
    And the reason for maritime-search-and-rescue-coordination cites 17,190

  Scenario Outline: Maritime coordination from 15,000 arrivals in Italy or 10,000 interceptions
    Given an empty profile for Examplia
    And migration.departures_to_italy by period:
      | period | value        |
      | 2023   | <departures> |
      | 2024   | <departures> |
    And migration.interceptions_at_sea by period:
      | period | value           |
      | 2024   | <interceptions> |
    When the profile is evaluated
    Then the rule sea-route-maritime-coordination <outcome>

    Examples:
      | departures | interceptions | outcome       |
      | 15,000     | 0             | fires         |
      | 14,999     | 10,000        | fires         |
      | 14,999     | 9,999         | does not fire |
