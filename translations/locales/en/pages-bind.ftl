bind-find-my-home-by-address = Find my home by its address
bind-pick-then-the-holder = You can bind without the account number: choose the district, community, building, unit and flat, then enter the holder's name. The code goes to the mobile number the holder gave the heating company.
bind-by-account-number-instead = Know the account number? Bind with it
bind-flat = Flat
bind-unit = Unit
bind-choose-a-unit = Choose a unit
bind-next = Next
