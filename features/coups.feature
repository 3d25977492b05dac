Feature: After a coup: no security assistance, cooperation through other channels
  UK practice after an unconstitutional change of government: no training,
  intelligence sharing or joint operations with the forces of the government
  that took power, and no equipment or surveillance technology, which cannot be
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
