role-resident = Resident
role-grid-worker = Grid worker
role-property-manager = Property manager
role-dispatcher = Dispatcher
role-repair-crew = Repair crew
role-admin = Admin
role-heating-authority = City heating authority
